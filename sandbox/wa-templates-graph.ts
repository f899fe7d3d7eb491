/**
 * Graph surface of templates: POST / GET / DELETE /{v}/{WABA_ID}/message_templates and
 * GET /{v}/{template-id}. Creation answers {id, status: "PENDING", category} and starts review.
 */
import { GraphError, invalidParam } from './errors';
import { pickFields, unknownEdge, type GraphRequest, type GraphResult } from './graph';
import { scheduleReview, sweepPauses } from './template-review';
import type { SandboxState } from './state';
import { parseCreate, templateNode, type TemplateRecord } from './wa-templates';
import type { WebhookDispatcher } from './webhooks';
import { checkHeaderHandle } from './wa-uploads';

const FIELDS = ['id', 'name', 'language', 'status', 'category', 'parameter_format', 'components', 'rejected_reason', 'quality_score'];
const STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'];

/** Creates a template as POST /{WABA_ID}/message_templates does (also the training seed's path). */
export function createTemplate(state: SandboxState, webhooks: WebhookDispatcher, params: Record<string, unknown>): TemplateRecord {
	const draft = parseCreate(params);
	if (draft.header?.handle) checkHeaderHandle(state, draft.header.format, draft.header.handle);
	const rec = state.templates.add(draft, state.now());
	scheduleReview(state, webhooks, rec);
	return rec;
}

const cursor = (n: number) => Buffer.from(`i:${n}`).toString('base64url');
function fromCursor(c: unknown): number {
	if (c === undefined || c === '') return 0;
	const m = typeof c === 'string' ? /^i:(\d+)$/.exec(Buffer.from(c, 'base64url').toString()) : null;
	if (!m) throw invalidParam('Invalid parameter', false, 'after: not a cursor from this list');
	return Number(m[1]);
}

function list(state: SandboxState, r: GraphRequest): GraphResult {
	const q = r.params;
	const name = typeof q['name'] === 'string' ? q['name'].toLowerCase() : undefined;
	const status = typeof q['status'] === 'string' ? q['status'].toUpperCase() : undefined;
	if (status && !STATUSES.includes(status)) throw invalidParam(`Invalid parameter`, false, `status must be one of ${STATUSES.join(', ')}`);
	const language = typeof q['language'] === 'string' ? q['language'] : undefined;
	const category = typeof q['category'] === 'string' ? q['category'].toUpperCase() : undefined;
	const limit = Math.min(1000, Math.max(1, Number(q['limit'] ?? 25) || 25));
	// Meta's name filter matches part of the name; the others are exact.
	const all = state.templates
		.all()
		.filter(
			(t) =>
				(!name || t.name.includes(name)) &&
				(!status || t.status === status) &&
				(!language || t.language === language) &&
				(!category || t.category === category),
		);
	const start = fromCursor(q['after']);
	const page = all.slice(start, start + limit);
	const fields = typeof q['fields'] === 'string' && q['fields'].trim() ? q['fields'] : FIELDS.join(',');
	const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + page.length) } };
	if (start + page.length < all.length) paging['next'] = `?limit=${limit}&after=${cursor(start + page.length)}`;
	return { body: { data: page.map((t) => pickFields(templateNode(t), fields, FIELDS, 'WhatsAppBusinessHSM')), paging } };
}

/** The WABA's message_templates edge; undefined when the request is not about it. */
export function templatesEdge(state: SandboxState, webhooks: WebhookDispatcher, r: GraphRequest): GraphResult | undefined {
	if (r.edge !== 'message_templates') return undefined;
	sweepPauses(state, webhooks);
	if (r.method === 'GET') return list(state, r);
	if (r.method === 'POST') {
		const t = createTemplate(state, webhooks, r.params);
		return { body: { id: t.id, status: t.status, category: t.category } };
	}
	const name = r.params['name'];
	if (typeof name !== 'string' || !name) throw invalidParam('The parameter name is required.');
	const id = typeof r.params['hsm_id'] === 'string' ? r.params['hsm_id'] : undefined;
	const gone = state.templates.deleteByName(name, state.now(), id);
	if (!gone.length)
		throw new GraphError(400, 100, '(#100) Invalid parameter', {
			subcode: 2593002,
			userTitle: 'Message template not found',
			userMsg: `No template named ${name}${id ? ` with id ${id}` : ''}.`,
		});
	return { body: { success: true } };
}

/** GET /{v}/{template-id}; undefined when the id is not a template. */
export function templateById(state: SandboxState, webhooks: WebhookDispatcher, r: GraphRequest): GraphResult | undefined {
	const t = state.templates.get(r.id);
	if (!t) return undefined;
	sweepPauses(state, webhooks);
	if (r.method !== 'GET' || r.edge) throw unknownEdge(r);
	return { body: pickFields(templateNode(t), r.params['fields'], FIELDS, 'WhatsAppBusinessHSM') };
}
