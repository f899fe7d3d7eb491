/**
 * After the Additional SP approves: the content's WhatsApp text goes to Meta as one message
 * template per language (core/channels/whatsapp/awareness-template.ts builds them). Only what
 * the approval covered is sent: the content passes the publish gate, and the payloads hash to
 * the template hash recorded with the decision. Submitting again is safe: a language already at
 * Meta is looked up by name instead of created twice; one Meta refused is not sent again until
 * the text changes (it would be refused again). A header image is uploaded to Meta first (the
 * media store's bytes, the ones the approver saw) and the templates name it by the handle Meta gave.
 */
import { audit } from '../audit';
import {
	awarenessTemplateProblems,
	awarenessTemplates,
	withHeaderHandle,
	AWARENESS_LANGUAGES,
	type AwarenessTemplateSet,
} from '../channels/whatsapp/awareness-template';
import { channelImageRules } from '../channels/registry';
import type { TemplateApi } from '../channels/whatsapp/template-api';
import { isWhatsAppApiError } from '../channels/whatsapp/errors';
import { assertPublishable } from '../content/gate';
import { selectContent } from '../content/repository';
import type { Db } from '../db';
import { MitanError } from '../errors';
import { findBySource, getMedia, storedMediaHash } from '../media/store';
import * as repo from './repository';

export interface SubmitResult {
	contentId: number;
	name: string;
	templates: { language: string; status: string; metaId: string | null; reason: string | null; created: boolean }[];
}

const SETTLED = new Set(['PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED', 'FLAGGED', 'IN_APPEAL']);

export async function submitAwarenessTemplates(
	db: Db,
	api: TemplateApi,
	contentId: number,
	actor = 'system:templates',
): Promise<SubmitResult> {
	const c = await selectContent(db, contentId);
	if (!c) throw new MitanError('CONTENT_NOT_FOUND', `no content with id ${contentId}`, { contentId, field: 'contentId' });
	assertPublishable(c);
	if (c.channels && !c.channels.includes('whatsapp'))
		throw new MitanError('CONTENT_CHANNEL_NOT_CHOSEN', `content ${contentId} is not meant for WhatsApp: no template is made`, {
			field: 'contentId',
			contentId,
		});
	const [problem] = awarenessTemplateProblems(c);
	if (problem)
		throw new MitanError('WHATSAPP_TEMPLATE_INVALID', `${problem.field}: ${problem.message}`, { field: problem.field, contentId });
	const set = awarenessTemplates(c);
	const approvedTemplateHash = await approvedTemplateHashOf(db, contentId);
	if (approvedTemplateHash !== set.hash)
		throw new MitanError(
			'TEMPLATE_NOT_APPROVED_AS_BUILT',
			`content ${contentId}: the templates to send (hash ${set.hash.slice(0, 12)}) are not what the approval covered (${approvedTemplateHash ? `hash ${approvedTemplateHash.slice(0, 12)}` : 'none recorded'}): send it for approval again / टेम्पलेट स्वीकृत रूप से भिन्न है, फिर स्वीकृति लें`,
			{ contentId, field: 'contentId' },
		);
	const out: SubmitResult = { contentId, name: set.name, templates: [] };
	let found: Awaited<ReturnType<TemplateApi['byName']>> | undefined;
	let handle: string | undefined;
	for (const lang of AWARENESS_LANGUAGES) {
		const payload = set.payloads[lang];
		let row = await repo.upsertPlanned(db, {
			districtId: c.districtId,
			contentId,
			language: lang,
			name: set.name,
			payload,
			setHash: set.hash,
		});
		let created = false;
		if (!SETTLED.has(row.status)) {
			try {
				handle ??= set.headerImageUrl ? await uploadHeaderImage(db, api, set) : undefined;
				const a = await api.create(handle ? withHeaderHandle(payload, handle) : payload);
				row = await repo.recordSubmitted(db, row.id, { metaId: a.id, status: a.status, category: a.category });
				created = true;
			} catch (e) {
				// Already there (an earlier submission whose answer was lost): find it by name.
				found ??= isWhatsAppApiError(e) && e.httpStatus !== undefined && e.httpStatus < 500 ? await api.byName(set.name) : undefined;
				const same = found?.find((t) => t.language === lang);
				if (!same) throw e;
				row = await repo.recordSubmitted(db, row.id, {
					metaId: same.id,
					status: same.status,
					category: same.category,
					reason: same.reason,
				});
			}
		}
		out.templates.push({ language: lang, status: row.status, metaId: row.metaId, reason: row.reason, created });
	}
	await audit(db, {
		districtId: c.districtId,
		actor,
		action: 'template.submitted',
		entity: 'content',
		entityId: contentId,
		contentHash: c.contentHash,
		details: { name: set.name, templateHash: set.hash, templates: out.templates },
	});
	return out;
}

/**
 * The content's image as the media store holds it (an upload from the Content page, or the
 * conversion made when the approver's page showed an outside link), uploaded to Meta. Never
 * fetched again from elsewhere: what goes to review is what the approver saw.
 */
async function uploadHeaderImage(db: Db, api: TemplateApi, set: AwarenessTemplateSet): Promise<string> {
	const url = set.headerImageUrl ?? '';
	const hash = storedMediaHash(url) ?? (await findBySource(db, url));
	const media = hash ? await getMedia(db, hash) : undefined;
	if (!media)
		throw new MitanError(
			'WHATSAPP_TEMPLATE_INVALID',
			`the header image ${url} is not in the media store: upload the image in the Content page / चित्र Content पेज में अपलोड करें`,
			{ field: 'imageUrl' },
		);
	// WhatsApp's own limit, said here at its field rather than as Meta's bare (#100) on the upload.
	const [tooLarge] = channelImageRules('whatsapp')?.problems({ bytes: media.bytes.length }, 'imageUrl') ?? [];
	if (tooLarge) throw new MitanError('WHATSAPP_IMAGE_TOO_LARGE', `the header image ${tooLarge.message}`, { field: 'imageUrl' });
	return api.uploadSample({ bytes: media.bytes, fileType: 'image/jpeg', fileName: `${media.hash}.jpg` });
}

async function approvedTemplateHashOf(db: Db, contentId: number): Promise<string | null> {
	const [r] = await db.query<{ h: string | null }>(`SELECT approved_template_hash AS h FROM content WHERE id = $1`, [contentId]);
	return r?.h ?? null;
}
