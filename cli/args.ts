/** Minimal argv parsing: `--name value`, `--name=value`, `--flag`, positionals. */
export interface Args {
	_: string[];
	flags: Record<string, string | true>;
}

export function parseArgs(argv: string[]): Args {
	const out: Args = { _: [], flags: {} };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) {
			out._.push(a);
			continue;
		}
		const eq = a.indexOf('=');
		if (eq > 0) out.flags[a.slice(2, eq)] = a.slice(eq + 1);
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.flags[a.slice(2)] = argv[++i];
		else out.flags[a.slice(2)] = true;
	}
	return out;
}

export function flag(args: Args, name: string): string | undefined {
	const v = args.flags[name];
	return typeof v === 'string' ? v : undefined;
}
