/**
 * Command-line options of the benchmarks (`--name value`). Its own module with no imports: the
 * benchmarks that measure their own process's memory load nothing more for it.
 */
export function arg(name: string, dflt: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

export function numArg(name: string, dflt: number): number {
	return Number(arg(name, String(dflt)));
}
