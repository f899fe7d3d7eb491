/**
 * Submitting the shipped staff templates (staff-templates.ts) to a WABA and reading back where
 * each stands: the one implementation behind `mitan templates submit|status` and the Mitan
 * Notify node's "Staff Templates" operations. A template that already exists under that name and
 * language is reported, never created twice (Meta would refuse it anyway: 2388024).
 */
import { MitanError } from '../../errors';
import { resolveWhatsAppConfig } from './config';
import { whatsappErrorFrom } from './errors';
import {
	staffTemplatePayloads,
	APPROVAL_TEMPLATE,
	COMPLAINT_UPDATE_TEMPLATE,
	STAFF_ALERT_TEMPLATE,
	STAFF_LANGUAGES,
	type StaffTemplatePayload,
} from './staff-templates';
import { createTransport, type GraphTransport, type TransportOptions } from './transport';
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

const ok = (s: number) => s >= 200 && s < 300;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function wabaOf(config: WhatsAppConfig): string {
	const waba = config.wabaId?.trim();
	if (!waba || !/^\d+$/.test(waba))
		throw new MitanError(
			'WHATSAPP_CONFIG_INVALID',
			`the WhatsApp Business Account id must be digits (WHATSAPP_WABA_ID / credential field "wabaId"), got "${String(config.wabaId ?? '')}"`,
			{ field: 'wabaId' },
		);
	return waba;
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

async function existing(t: GraphTransport, path: string, name: string): Promise<StaffTemplateState[]> {
	const q = `${path}?name=${encodeURIComponent(name)}&fields=id,name,language,status,category,rejected_reason,components&limit=100`;
	const res = await t.request('GET', q);
	if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `GET ${path}`);
	const data = ((res.body ?? {}) as { data?: unknown[] }).data ?? [];
	return data.flatMap((x) => {
		const r = (x ?? {}) as Record<string, unknown>;
		if (r.name !== name) return [];
		const reason = str(r.rejected_reason);
		return [
			{
				name,
				language: String(r.language ?? ''),
				status: String(r.status ?? 'PENDING'),
				id: str(r.id),
				category: str(r.category),
				reason: reason && reason !== 'NONE' ? reason : null,
				buttonUrl: buttonUrl(r.components),
				created: false,
			},
		];
	});
}

async function withTransport<T>(
	config: WhatsAppConfig,
	options: TransportOptions,
	fn: (t: GraphTransport, path: string) => Promise<T>,
): Promise<T> {
	const c = resolveWhatsAppConfig(config);
	const path = `/${c.graphVersion}/${wabaOf(config)}/message_templates`;
	const t = createTransport(c.base, c.token, { timeoutMs: 20_000, maxSockets: 2, ...options });
	try {
		return await fn(t, path);
	} finally {
		t.close();
	}
}

/** Where each staff template stands on the WABA (MISSING when never submitted). */
export async function staffTemplateStatus(config: WhatsAppConfig, options: TransportOptions = {}): Promise<StaffTemplateState[]> {
	return withTransport(config, options, async (t, path) => {
		const out: StaffTemplateState[] = [];
		for (const name of [APPROVAL_TEMPLATE, STAFF_ALERT_TEMPLATE, COMPLAINT_UPDATE_TEMPLATE.name]) {
			const found = await existing(t, path, name);
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
	return withTransport(config, options, async (t, path) => {
		const byName = new Map<string, StaffTemplateState[]>();
		const out: StaffTemplateState[] = [];
		for (const p of payloads) {
			if (!byName.has(p.name)) byName.set(p.name, await existing(t, path, p.name));
			const have = byName.get(p.name)!.find((f) => f.language === p.language);
			out.push(have ?? (await createOne(t, path, p)));
		}
		return out;
	});
}

async function createOne(t: GraphTransport, path: string, p: StaffTemplatePayload): Promise<StaffTemplateState> {
	const res = await t.request('POST', path, p);
	const base = { name: p.name, language: p.language, buttonUrl: buttonUrl(p.components) };
	if (!ok(res.status)) {
		const e = whatsappErrorFrom(res.status, res.body, `POST ${path}`);
		const b = ((res.body ?? {}) as { error?: Record<string, unknown> }).error ?? {};
		return { ...base, status: 'REFUSED', id: null, category: null, reason: str(b.error_user_msg) ?? e.message, created: false };
	}
	const b = (res.body ?? {}) as Record<string, unknown>;
	return { ...base, status: str(b.status) ?? 'PENDING', id: str(b.id), category: str(b.category), reason: null, created: true };
}
