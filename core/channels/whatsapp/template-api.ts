/**
 * Meta's message template management API for one WhatsApp Business Account (WABA):
 * POST /{version}/{WABA_ID}/message_templates creates one language of a template and answers
 * {id, status, category}; GET with ?name= lists what exists under a name (every language).
 * The same token and base URL as the messages (the system-user token serves the whole WABA).
 */
import { MitanError } from '../../errors';
import { resolveWhatsAppConfig } from './config';
import { whatsappErrorFrom } from './errors';
import { createTransport, type TransportOptions } from './transport';
import type { TemplatePayload } from './awareness-template';
import type { WhatsAppConfig } from './types';

export interface TemplateInfo {
	id: string;
	name: string;
	language: string;
	status: string;
	category: string | null;
	/** Meta's rejected_reason when REJECTED (NONE otherwise). */
	reason: string | null;
	quality: string | null;
}

export interface TemplateApi {
	create(payload: TemplatePayload): Promise<{ id: string; status: string; category: string | null }>;
	byName(name: string): Promise<TemplateInfo[]>;
	close(): void;
}

const ok = (s: number) => s >= 200 && s < 300;

function str(v: unknown): string | null {
	return typeof v === 'string' && v !== '' ? v : null;
}

export function createTemplateApi(config: WhatsAppConfig, options: TransportOptions = {}): TemplateApi {
	const c = resolveWhatsAppConfig(config);
	const waba = config.wabaId?.trim();
	if (!waba || !/^\d+$/.test(waba))
		throw new MitanError(
			'WHATSAPP_CONFIG_INVALID',
			`the WhatsApp Business Account id must be digits (WHATSAPP_WABA_ID / credential field "wabaId"), got "${String(config.wabaId ?? '')}"`,
			{ field: 'wabaId' },
		);
	const transport = createTransport(c.base, c.token, { timeoutMs: 20_000, ...options });
	const path = `/${c.graphVersion}/${waba}/message_templates`;
	return {
		async create(payload) {
			const res = await transport.request('POST', path, payload);
			if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `POST ${path}`);
			const b = (res.body ?? {}) as Record<string, unknown>;
			const id = str(b.id);
			if (!id) throw whatsappErrorFrom(res.status, { error: { message: 'answer has no template id' } }, `POST ${path}`);
			return { id, status: str(b.status) ?? 'PENDING', category: str(b.category) };
		},
		async byName(name) {
			const q = `${path}?name=${encodeURIComponent(name)}&fields=id,name,language,status,category,rejected_reason,quality_score&limit=100`;
			const res = await transport.request('GET', q);
			if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `GET ${path}`);
			const data = ((res.body ?? {}) as { data?: unknown[] }).data ?? [];
			return data.flatMap((x) => {
				const t = (x ?? {}) as Record<string, unknown>;
				const id = str(t.id);
				if (!id || t.name !== name) return [];
				const q2 = (t.quality_score ?? {}) as Record<string, unknown>;
				const reason = str(t.rejected_reason);
				return [
					{
						id,
						name,
						language: String(t.language ?? ''),
						status: String(t.status ?? 'PENDING'),
						category: str(t.category),
						reason: reason && reason !== 'NONE' ? reason : null,
						quality: str(q2.score),
					},
				];
			});
		},
		close: () => transport.close(),
	};
}
