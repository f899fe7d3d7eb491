/**
 * Benchmarks send the training templates, so they create them first, through the sandbox's
 * Graph API and review (the same path as a district), and wait until each is APPROVED.
 */
import { GRAPH_API_VERSION } from '../core/channels/api';
import { inspectHeaders } from '../sandbox/inspect-guard';
import { TRAINING_TEMPLATES } from '../sandbox/training-templates';

const WABA = '200000000000001';
const TOKEN = 'sandbox-token';

export async function approveTrainingTemplates(url: string, inspectToken: string): Promise<void> {
	// Review time is a setting; a benchmark does not measure it.
	await fetch(`${url}/_sandbox/config`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', ...inspectHeaders(inspectToken) },
		body: JSON.stringify({ whatsapp: { templateReviewMs: 10 } }),
	});
	const graph = async (method: string, p: string, body?: unknown): Promise<any> => {
		const res = await fetch(`${url}/${GRAPH_API_VERSION}${p}`, {
			method,
			headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
			body: body ? JSON.stringify(body) : undefined,
		});
		return res.json();
	};
	const existing = (await graph('GET', `/${WABA}/message_templates?limit=1000`)).data as { name: string; language: string }[];
	for (const t of TRAINING_TEMPLATES) {
		if (existing.some((e) => e.name === t['name'] && e.language === t['language'])) continue;
		const r = await graph('POST', `/${WABA}/message_templates`, t);
		if (!r.id) throw new Error(`template ${String(t['name'])}: ${JSON.stringify(r)}`);
	}
	const started = Date.now();
	for (;;) {
		const list = (await graph('GET', `/${WABA}/message_templates?limit=1000`)).data as { status: string; name: string }[];
		const bad = list.filter((t) => t.status === 'REJECTED');
		if (bad.length) throw new Error(`review rejected ${bad.map((t) => t.name).join(', ')}`);
		if (list.length >= TRAINING_TEMPLATES.length && list.every((t) => t.status === 'APPROVED')) return;
		if (Date.now() - started > 30_000) throw new Error('templates not approved within 30 s');
		await new Promise((r) => setTimeout(r, 20));
	}
}
