/**
 * The day's message as Meta templates: the payload per language, the deterministic name, the
 * hash the approval covers, and the body rules Meta's review applies (each refusal at its field).
 */
import {
	awarenessTemplateProblems,
	awarenessTemplates,
	AWARENESS_FIXED,
	fixedPartProblems,
	TEMPLATE_PART_LIMITS,
} from '../../core/channels/whatsapp/awareness-template';
import { isTemplateName } from '../../core/channels/whatsapp/text';
import { parseWebhook } from '../../core/gateway/payload';

const content = {
	id: 42,
	bodyHi: 'वीडियो कॉल पर कोई अफसर पैसे नहीं माँगता। शक हो तो 1930 पर कॉल करें।',
	bodyEn: 'No officer asks for money on a video call. In doubt, call 1930.',
};

test('one MARKETING payload per language: header image, the approved text as a fixed body, footer, two quick replies', () => {
	const set = awarenessTemplates({ ...content, imageUrl: 'https://mitan.example/media/abc.jpg' });
	expect(isTemplateName(set.name)).toBe(true);
	expect(set.name).toMatch(/^mitan_c42_[0-9a-f]{12}$/);
	expect(set.payloads.hi).toEqual({
		name: set.name,
		language: 'hi',
		category: 'MARKETING',
		components: [
			{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://mitan.example/media/abc.jpg'] } },
			{ type: 'BODY', text: content.bodyHi },
			{ type: 'FOOTER', text: AWARENESS_FIXED.hi.footer },
			{
				type: 'BUTTONS',
				buttons: [
					{ type: 'QUICK_REPLY', text: 'शिकायत करें' },
					{ type: 'QUICK_REPLY', text: 'बंद करें' },
				],
			},
		],
	});
	expect(set.payloads.en.components[1]).toEqual({ type: 'BODY', text: content.bodyEn });
	expect(set.payloads.en.components[3]).toEqual({
		type: 'BUTTONS',
		buttons: [
			{ type: 'QUICK_REPLY', text: 'Report a problem' },
			{ type: 'QUICK_REPLY', text: 'Stop' },
		],
	});
	// No variable anywhere: Meta rejects a body that is only, or starts or ends with, a variable.
	expect(JSON.stringify(set.payloads)).not.toMatch(/\{\{/);
	// Without an image, no header.
	expect(awarenessTemplates(content).payloads.hi.components.map((c) => c.type)).toEqual(['BODY', 'FOOTER', 'BUTTONS']);
	expect(fixedPartProblems()).toEqual([]);
	expect(AWARENESS_FIXED.hi.footer.length).toBeLessThanOrEqual(TEMPLATE_PART_LIMITS.footer);
});

test('the same content gives the same name and hash; any change to what Meta gets changes both', () => {
	const a = awarenessTemplates(content);
	expect(awarenessTemplates({ ...content }).hash).toBe(a.hash);
	expect(awarenessTemplates({ ...content, bodyHi: content.bodyHi.normalize('NFD') }).name).toBe(a.name);
	for (const changed of [
		{ ...content, bodyEn: content.bodyEn + '!' },
		{ ...content, bodyHi: 'दूसरा संदेश' },
		{ ...content, imageUrl: 'https://mitan.example/media/x.jpg' },
	]) {
		const b = awarenessTemplates(changed);
		expect(b.hash).not.toBe(a.hash);
		expect(b.name).not.toBe(a.name);
	}
	expect(awarenessTemplates({ ...content, id: 43 }).name).toMatch(/^mitan_c43_/);
});

test('what Meta would refuse is named at the content field', () => {
	expect(awarenessTemplateProblems(content)).toEqual([]);
	const cases: [object, string, RegExp][] = [
		[{ bodyHi: 'अ'.repeat(1025) }, 'bodyHi', /1025 characters; a WhatsApp template body holds at most 1024/],
		[{ bodyEn: 'Hello {{1}}' }, 'bodyEn', /\{\{…\}\}/],
		[{ bodyEn: '   ' }, 'bodyEn', /empty/],
		[{ imageUrl: 'ftp://x/y.jpg' }, 'imageUrl', /http\(s\)/],
	];
	for (const [over, field, re] of cases) {
		const [p] = awarenessTemplateProblems({ ...content, ...over });
		expect(p).toMatchObject({ field, code: 'WHATSAPP_TEMPLATE_INVALID', message: expect.stringMatching(re) });
	}
	// Emoji count as WhatsApp counts them (two UTF-16 units): 512 emoji are 1,024, one more is over.
	expect(awarenessTemplateProblems({ ...content, bodyEn: '🙏'.repeat(512) })).toEqual([]);
	expect(awarenessTemplateProblems({ ...content, bodyEn: '🙏'.repeat(512) + 'a' })[0]).toMatchObject({ field: 'bodyEn' });
});

const env = (field: string, value: object, time = 1_780_000_000) => ({
	object: 'whatsapp_business_account',
	entry: [{ id: '200000000000001', time, changes: [{ field, value }] }],
});

test('the three template webhooks parse into events with a stable key; a malformed one is refused at its field', () => {
	const s = parseWebhook(
		env('message_template_status_update', {
			event: 'REJECTED',
			message_template_id: 5550001,
			message_template_name: 'mitan_c42_abc',
			message_template_language: 'hi',
			reason: 'INVALID_FORMAT',
		}),
	);
	expect(s.templateEvents).toEqual([
		expect.objectContaining({
			field: 'message_template_status_update',
			metaId: '5550001',
			event: 'REJECTED',
			reason: 'INVALID_FORMAT',
			language: 'hi',
		}),
	]);
	const again = parseWebhook(
		env('message_template_status_update', { event: 'REJECTED', message_template_id: 5550001, reason: 'INVALID_FORMAT' }),
	);
	expect(again.templateEvents[0].dedupeKey).toBe(s.templateEvents[0].dedupeKey);
	const q = parseWebhook(
		env('message_template_quality_update', { previous_quality_score: 'GREEN', new_quality_score: 'RED', message_template_id: 5550001 }),
	);
	expect(q.templateEvents[0]).toMatchObject({ quality: 'RED', metaId: '5550001' });
	const c = parseWebhook(
		env('template_category_update', { message_template_id: 5550001, previous_category: 'MARKETING', new_category: 'UTILITY' }),
	);
	expect(c.templateEvents[0]).toMatchObject({ category: 'UTILITY' });
	const p = parseWebhook(
		env('message_template_status_update', {
			event: 'PAUSED',
			message_template_id: 1,
			other_info: { title: 'FIRST_PAUSE', description: 'low quality' },
		}),
	);
	expect(p.templateEvents[0].reason).toBe('FIRST_PAUSE: low quality');
	for (const [value, re] of [
		[{ message_template_id: 1 }, /\.event must be a non-empty string/],
		[{ event: 'APPROVED' }, /names no template/],
		[{ event: 'APPROVED', message_template_id: 'x1' }, /message_template_id must be digits/],
	] as const) {
		expect(() => parseWebhook(env('message_template_status_update', value))).toThrow(re);
	}
	expect(() => parseWebhook(env('message_template_quality_update', { message_template_id: 1 }))).toThrow(/new_quality_score/);
});
