/**
 * Meta's message template management API for one WhatsApp Business Account (WABA):
 * POST /{version}/{WABA_ID}/message_templates creates one language of a template and answers
 * {id, status, category}; GET with ?name= lists what exists under a name (every language).
 * The same token and base URL as the messages (the system-user token serves the whole WABA).
 * A media header's sample goes first through the app's Resumable Upload API
 * (POST /{version}/{APP_ID}/uploads opens a session, POST /{version}/upload:<session> sends the
 * bytes and answers the handle "4::…"): Meta accepts only such a handle in example.header_handle.
 */
import { MitanError } from '../../errors';
import { resolveWhatsAppConfig } from './config';
import { whatsappErrorFrom } from './errors';
import { createTransport, type TransportOptions } from './transport';
import type { TemplatePayload } from './awareness-template';
import type { StaffTemplatePayload } from './staff-templates';
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
	/** The template's components as Meta holds them (the staff templates compare their button URL). */
	components: unknown;
}

export interface TemplateApi {
	/** One language of an awareness (MARKETING) or a staff (UTILITY) template. */
	create(payload: TemplatePayload | StaffTemplatePayload): Promise<{ id: string; status: string; category: string | null }>;
	byName(name: string): Promise<TemplateInfo[]>;
	/** Uploads a header sample (one request: our images are far below any chunking need); answers its handle. */
	uploadSample(file: { bytes: Buffer; fileType: 'image/jpeg' | 'image/png'; fileName: string }): Promise<string>;
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
			const q = `${path}?name=${encodeURIComponent(name)}&fields=id,name,language,status,category,rejected_reason,quality_score,components&limit=100`;
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
						components: t.components ?? null,
					},
				];
			});
		},
		async uploadSample(file) {
			const app = config.appId?.trim();
			if (!app || !/^\d+$/.test(app))
				throw new MitanError(
					'WHATSAPP_CONFIG_INVALID',
					`a template with a header image needs the Meta app id, digits (credential field "appId"), got "${String(config.appId ?? '')}" / WhatsApp क्रेडेंशियल में App ID भरें`,
					{ field: 'appId' },
				);
			const open = `/${c.graphVersion}/${app}/uploads`;
			const q = new URLSearchParams({ file_name: file.fileName, file_length: String(file.bytes.length), file_type: file.fileType });
			const session = await transport.request('POST', `${open}?${q}`);
			if (!ok(session.status)) throw whatsappErrorFrom(session.status, session.body, `POST ${open}`);
			const id = str(((session.body ?? {}) as Record<string, unknown>).id);
			if (!id?.startsWith('upload:'))
				throw whatsappErrorFrom(session.status, { error: { message: 'answer has no upload session id' } }, `POST ${open}`);
			const send = `/${c.graphVersion}/${id}`;
			// Meta's upload endpoint documents the OAuth scheme for the token, and the bytes as the body.
			const res = await transport.request('POST', send, undefined, {
				bytes: file.bytes,
				headers: { authorization: `OAuth ${c.token}`, file_offset: '0', 'content-type': file.fileType },
			});
			if (!ok(res.status)) throw whatsappErrorFrom(res.status, res.body, `POST /${c.graphVersion}/upload:…`);
			const h = str(((res.body ?? {}) as Record<string, unknown>).h);
			if (!h)
				throw whatsappErrorFrom(res.status, { error: { message: 'upload answer has no handle' } }, `POST /${c.graphVersion}/upload:…`);
			return h;
		},
		close: () => transport.close(),
	};
}
