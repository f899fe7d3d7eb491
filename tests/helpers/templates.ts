/**
 * Templates for tests, the honest way: created through POST /{WABA_ID}/message_templates and
 * reviewed by the sandbox like any other, then awaited until APPROVED (or the review's verdict).
 * The bodies are the sandbox's training set (sandbox/training-templates.ts), which passes review.
 */
import { createHash } from 'crypto';
import sharp from 'sharp';
import { GRAPH_API_VERSION } from '../../core/channels/api';
import type { Queryable } from '../../core/db';
import { mediaUrl, putMedia } from '../../core/media/store';
import { submitStaffTemplates } from '../../core/channels/whatsapp/staff-submit';
import { TRAINING_TEMPLATES } from '../../sandbox/training-templates';
import { until } from './wait';

export const WABA_ID = '200000000000001';
const WA_TOKEN = 'sandbox-token';

/** Names of the training set: daily_awareness, complaint_ack, mitan_alert (hi and en each). */
export const TEST_TEMPLATE_NAMES = [...new Set(TRAINING_TEMPLATES.map((t) => String(t['name'])))];

async function graph(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
	const res = await fetch(`${base}/${GRAPH_API_VERSION}${path}`, {
		method,
		headers: { authorization: `Bearer ${WA_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	return { status: res.status, body: await res.json() };
}

export interface TemplateInfo {
	id: string;
	name: string;
	language: string;
	status: string;
	category: string;
	rejected_reason: string;
}

/** Submits one template payload; answers {id, status, category} or throws with Meta's error. */
export async function submitTemplate(
	base: string,
	payload: Record<string, unknown>,
	wabaId = WABA_ID,
): Promise<{ id: string; status: string }> {
	const r = await graph(base, 'POST', `/${wabaId}/message_templates`, payload);
	if (r.status !== 200)
		throw new Error(`template ${String(payload['name'])}/${String(payload['language'])} refused: ${JSON.stringify(r.body)}`);
	return r.body;
}

/** Waits until review decided the template (any status other than PENDING) and returns it. */
export async function reviewed(base: string, id: string): Promise<TemplateInfo> {
	return until(
		async () => {
			const r = await graph(base, 'GET', `/${id}`);
			return r.status === 200 && r.body.status !== 'PENDING' ? (r.body as TemplateInfo) : undefined;
		},
		{ what: `review of template ${id}` },
	);
}

/**
 * Creates the named templates of the training set (every language) through the API and waits
 * until each is APPROVED; fails the test if review rejects one.
 */
export async function approveTemplates(base: string, names: string[] = TEST_TEMPLATE_NAMES, wabaId = WABA_ID): Promise<TemplateInfo[]> {
	const payloads = TRAINING_TEMPLATES.filter((t) => names.includes(String(t['name'])));
	const missing = names.filter((n) => !payloads.some((p) => p['name'] === n));
	if (missing.length) throw new Error(`no test template named ${missing.join(', ')}`);
	const created = await Promise.all(payloads.map((p) => submitTemplate(base, p, wabaId)));
	const done = await Promise.all(created.map((c) => reviewed(base, c.id)));
	const bad = done.filter((t) => t.status !== 'APPROVED');
	if (bad.length)
		throw new Error(`review did not approve: ${bad.map((t) => `${t.name}/${t.language} ${t.status} ${t.rejected_reason}`).join(', ')}`);
	return done;
}

/** The n8n default the staff templates are submitted for when a test does not say (alerts only need the body). */
export const DEFAULT_STAFF_LINK_BASE = 'http://localhost:5678/webhook-waiting/';

/**
 * The shipped staff templates (mitan_approval_request, mitan_staff_alert), submitted the product's
 * way (core/channels/whatsapp/staff-submit.ts) for links starting `linkBase`, awaited until APPROVED.
 */
export async function approveStaffTemplates(base: string, linkBase = DEFAULT_STAFF_LINK_BASE): Promise<TemplateInfo[]> {
	const states = await submitStaffTemplates(
		{ accessToken: WA_TOKEN, phoneNumberId: '100000000000001', wabaId: WABA_ID, baseUrl: base },
		linkBase,
	);
	const refused = states.filter((s) => !s.id);
	if (refused.length) throw new Error(`staff templates refused: ${refused.map((s) => `${s.name}/${s.language}: ${s.reason}`).join('; ')}`);
	const done = await Promise.all(states.map((s) => reviewed(base, s.id!)));
	const bad = done.filter((t) => t.status !== 'APPROVED');
	if (bad.length)
		throw new Error(`review did not approve: ${bad.map((t) => `${t.name}/${t.language} ${t.status} ${t.rejected_reason}`).join(', ')}`);
	return done;
}

/** The sandbox's Meta app (sandbox/config.ts `whatsapp.appId`), whose Resumable Upload API issues header handles. */
export const APP_ID = '600000000000001';

/** A header sample uploaded the way Meta requires (session, then the bytes); answers the handle "4::…". */
export async function uploadSample(base: string, bytes: Buffer, fileType = 'image/jpeg'): Promise<string> {
	const q = new URLSearchParams({ file_name: 'sample', file_length: String(bytes.length), file_type: fileType });
	const open = await graph(base, 'POST', `/${APP_ID}/uploads?${q}`);
	if (open.status !== 200) throw new Error(`upload session refused: ${JSON.stringify(open.body)}`);
	const res = await fetch(`${base}/${GRAPH_API_VERSION}/${String(open.body.id)}`, {
		method: 'POST',
		headers: { authorization: `OAuth ${WA_TOKEN}`, file_offset: '0', 'content-type': fileType },
		body: new Uint8Array(bytes),
	});
	const body = (await res.json()) as { h?: string };
	if (res.status !== 200 || !body.h) throw new Error(`upload refused: ${JSON.stringify(body)}`);
	return body.h;
}

/** A JPEG poster in the media store (as the Content page's upload leaves it); answers its media URL under `publicUrl`. */
export async function storedPoster(db: Queryable, publicUrl = 'https://mitan.example', colour = '#1a4d8f'): Promise<string> {
	const jpeg = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: colour } })
		.jpeg()
		.toBuffer();
	const hash = createHash('sha256').update(jpeg).digest('hex');
	await putMedia(db, { hash, jpeg, width: 1080, height: 1080 });
	return mediaUrl(publicUrl, hash);
}
