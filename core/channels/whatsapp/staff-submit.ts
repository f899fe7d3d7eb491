/**
 * Submitting the shipped staff templates (staff-templates.ts) to a WABA and reading back where
 * each stands: the one implementation behind `mitan templates submit|status` and the Mitan
 * Notify node's "Staff Templates" operations. A template that already exists under that name and
 * language is reported, never created twice (Meta would refuse it anyway: 2388024).
 */
import { MitanError } from '../../errors';
import {
	staffTemplatePayloads,
	APPROVAL_TEMPLATE,
	COMPLAINT_UPDATE_TEMPLATE,
	STAFF_ALERT_TEMPLATE,
	STAFF_LANGUAGES,
	type StaffTemplatePayload,
} from './staff-templates';
import { createTemplateApi, type TemplateApi, type TemplateInfo } from './template-api';
import type { TransportOptions } from './transport';
import type { WhatsAppConfig } from './types';

export interface StaffTemplateState {
	name: string;
	language: string;
	/** Meta's status (PENDING, APPROVED, REJECTED, PAUSED, DISABLED), or MISSING / REFUSED here. */
	status: string;
	id: string | null;
	category: string | null;
	/** Meta's rejected_reason, or why creation was refused. */
	reason: string | null;
	/** The URL the approval template's button opens before its suffix (to compare with the links). */
	buttonUrl: string | null;
	/** Whether this run created it. */
	created: boolean;
}

function buttonUrl(components: unknown): string | null {
	if (!Array.isArray(components)) return null;
	for (const c of components as Record<string, unknown>[]) {
		if (c?.type !== 'BUTTONS' || !Array.isArray(c.buttons)) continue;
		const url = (c.buttons as Record<string, unknown>[]).find((b) => b?.type === 'URL')?.url;
		if (typeof url === 'string') return url.replace('{{1}}', '');
	}
	return null;
}

const stateOf = (t: TemplateInfo): StaffTemplateState => ({
	name: t.name,
	language: t.language,
	status: t.status,
	id: t.id,
	category: t.category,
	reason: t.reason,
	buttonUrl: buttonUrl(t.components),
	created: false,
});

/** The one template client (template-api.ts), opened for this run and always closed. */
async function withApi<T>(config: WhatsAppConfig, options: TransportOptions, fn: (api: TemplateApi) => Promise<T>): Promise<T> {
	const api = createTemplateApi(config, { maxSockets: 2, ...options });
	try {
		return await fn(api);
	} finally {
		api.close();
	}
}

/** Where each staff template stands on the WABA (MISSING when never submitted). */
export async function staffTemplateStatus(config: WhatsAppConfig, options: TransportOptions = {}): Promise<StaffTemplateState[]> {
	return withApi(config, options, async (api) => {
		const out: StaffTemplateState[] = [];
		for (const name of [APPROVAL_TEMPLATE, STAFF_ALERT_TEMPLATE, COMPLAINT_UPDATE_TEMPLATE.name]) {
			const found = (await api.byName(name)).map(stateOf);
			for (const language of STAFF_LANGUAGES) {
				out.push(
					found.find((f) => f.language === language) ?? {
						name,
						language,
						status: 'MISSING',
						id: null,
						category: null,
						reason: null,
						buttonUrl: null,
						created: false,
					},
				);
			}
		}
		return out;
	});
}

/**
 * Creates every staff template not on the WABA yet, for links starting with `linkBase`, and
 * reports each one (created → PENDING until Meta's review; a refusal → REFUSED with Meta's text).
 */
export async function submitStaffTemplates(
	config: WhatsAppConfig,
	linkBase: string,
	options: TransportOptions = {},
): Promise<StaffTemplateState[]> {
	const payloads = staffTemplatePayloads(linkBase);
	return withApi(config, options, async (api) => {
		const byName = new Map<string, StaffTemplateState[]>();
		const out: StaffTemplateState[] = [];
		for (const p of payloads) {
			if (!byName.has(p.name)) byName.set(p.name, (await api.byName(p.name)).map(stateOf));
			const have = byName.get(p.name)!.find((f) => f.language === p.language);
			out.push(have ?? (await createOne(api, p)));
		}
		return out;
	});
}

/** Creates one; Meta's refusal is reported (REFUSED, with its error_user_msg), not thrown: the others still go. */
async function createOne(api: TemplateApi, p: StaffTemplatePayload): Promise<StaffTemplateState> {
	const base = { name: p.name, language: p.language, buttonUrl: buttonUrl(p.components) };
	try {
		const r = await api.create(p);
		return { ...base, status: r.status, id: r.id, category: r.category, reason: null, created: true };
	} catch (e) {
		if (!(e instanceof MitanError) || e.details?.['httpStatus'] === undefined) throw e;
		const reason = typeof e.details['userMessage'] === 'string' ? e.details['userMessage'] : e.message;
		return { ...base, status: 'REFUSED', id: null, category: null, reason, created: false };
	}
}
