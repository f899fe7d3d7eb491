/**
 * Waits for an event instead of sleeping for a guessed time: polls `check` until it returns a
 * value other than undefined/false. A busy machine only makes the wait longer, never the test red.
 */
export async function until<T>(
	check: () => Promise<T | undefined | false> | T | undefined | false,
	opts: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<T> {
	const { timeoutMs = 30_000, everyMs = 10, what = 'the condition' } = opts;
	const started = Date.now();
	for (;;) {
		const v = await check();
		if (v !== undefined && v !== false) return v;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}
