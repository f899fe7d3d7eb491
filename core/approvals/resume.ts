import type { DecideResult } from './decide';

/**
 * After a dashboard decision: wakes the waiting n8n execution through the settle link. A failure
 * is not fatal (the decision is recorded; the deadline sweep retries), so it returns the status.
 */
export async function resumeExecution(
	result: Pick<DecideResult, 'resumeUrl'>,
	fetchImpl: typeof fetch = fetch,
): Promise<{ ok: boolean; status: number | null; error?: string }> {
	if (!result.resumeUrl) return { ok: false, status: null, error: 'no waiting execution to resume' };
	try {
		const r = await fetchImpl(result.resumeUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'via=dashboard',
		});
		return { ok: r.ok, status: r.status };
	} catch (e) {
		return { ok: false, status: null, error: (e as Error).message };
	}
}
