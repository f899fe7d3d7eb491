/**
 * The conversation's pure parts: what each message is (classify.ts), the attachment a webhook
 * message carries, what a media-only complaint says, and that every interactive message the
 * conversation sends is within WhatsApp's limits in both languages.
 */
import { interactiveProblems } from '../../core/channels/whatsapp/interactive';
import { attachmentOf, mediaSummary } from '../../core/conversation/attachments';
import { classifyMessage, type ConversationKind } from '../../core/conversation/classify';
import * as say from '../../core/conversation/messages';

const text = (body: string) => ({ type: 'text', body, raw: { type: 'text', text: { body } } });

describe('classifyMessage', () => {
	test.each<[string, ConversationKind]>([
		['धन्यवाद', 'acknowledgement'],
		['Thanks!', 'acknowledgement'],
		['ok', 'acknowledgement'],
		['ठीक है', 'acknowledgement'],
		['👍', 'acknowledgement'],
		['🙏🙏', 'acknowledgement'],
		['hi', 'greeting'],
		['Hello', 'greeting'],
		['नमस्ते', 'greeting'],
		['namaste sir', 'greeting'],
		['धन्यवाद जी', 'acknowledgement'],
		['sir ji', 'greeting'],
		['STOP', 'stop'],
		['बंद करो', 'stop'],
		['START', 'start'],
		['JOIN', 'join'],
		['जुड़ें', 'join'],
		['MY DATA', 'my_data'],
		['मेरा डेटा', 'my_data'],
		['DELETE MY DATA', 'delete_my_data'],
		['मेरा डेटा हटाएँ', 'delete_my_data'],
		['मेरे खाते से 5000 रुपये कट गए', 'complaint'],
		['thanks, but someone took 2000 from my account', 'complaint'],
		['ok so the caller said he is from the bank', 'complaint'],
	])('%s → %s', (body, kind) => {
		expect(classifyMessage(text(body), false).kind).toBe(kind);
	});

	test('a staff number is staff, whatever it says, except a typed STOP / START (a staff member on the roster may opt out)', () => {
		expect(classifyMessage(text('मेरे खाते से 5000 रुपये कट गए'), true).kind).toBe('staff');
		expect(classifyMessage(text('JOIN'), true).kind).toBe('staff');
		expect(classifyMessage(text('STOP'), true).kind).toBe('stop');
		expect(classifyMessage(text('शुरू'), true).kind).toBe('start');
	});

	test("the daily template's quick replies (sent without payloads, so Meta returns their words) are routed, in both languages", () => {
		const quick = (words: string, payload = words) => ({
			type: 'button',
			body: words,
			raw: { type: 'button', button: { payload, text: words } },
		});
		for (const words of ['शिकायत करें', 'Report a problem'])
			expect(classifyMessage(quick(words), false)).toMatchObject({ kind: 'menu_reply', replyId: 'menu.fraud' });
		for (const words of ['बंद करें', 'Stop'])
			expect(classifyMessage(quick(words), false)).toMatchObject({ kind: 'menu_reply', replyId: 'menu.stop' });
		// A payload of ours wins over the words; words that are not our buttons stay words.
		expect(classifyMessage(quick('Stop', 'menu.fraud'), false)).toMatchObject({ replyId: 'menu.fraud' });
		expect(classifyMessage(quick('मेरे पैसे कट गए'), false).kind).toBe('complaint');
		// Typed (not tapped), "Report a problem" is a citizen's own words.
		expect(classifyMessage(text('Report a problem'), false).kind).toBe('complaint');
	});

	test('replies are routed by payload id, not by title; an id we never sent is words', () => {
		const tap = (id: string, title: string, list = false) => ({
			type: 'interactive',
			body: title,
			raw: {
				type: 'interactive',
				interactive: list ? { type: 'list_reply', list_reply: { id, title } } : { type: 'button_reply', button_reply: { id, title } },
			},
		});
		expect(classifyMessage(tap('menu.fraud', 'STOP', true), false)).toMatchObject({ kind: 'menu_reply', replyId: 'menu.fraud' });
		expect(classifyMessage(tap('join.yes', 'हाँ'), false)).toMatchObject({ kind: 'button_reply', replyId: 'join.yes' });
		expect(classifyMessage(tap('station:Bodla', 'Bodla', true), false)).toMatchObject({ kind: 'button_reply', replyId: 'station:Bodla' });
		// A template quick-reply "रोकें" (not our id) is the STOP keyword, as typed.
		expect(
			classifyMessage({ type: 'button', body: 'रोकें', raw: { type: 'button', button: { payload: 'रोकें', text: 'रोकें' } } }, false).kind,
		).toBe('stop');
		expect(classifyMessage(tap('other-system.x', 'मेरे पैसे कट गए'), false).kind).toBe('complaint');
	});

	test('media are complaints; reactions and stickers are not; unknown types are recorded', () => {
		for (const type of ['audio', 'image', 'document', 'video', 'location'])
			expect(classifyMessage({ type, body: null, raw: { type } }, false).kind).toBe('media_complaint');
		expect(classifyMessage({ type: 'reaction', body: '👍', raw: {} }, false).kind).toBe('reaction');
		expect(classifyMessage({ type: 'sticker', body: null, raw: {} }, false).kind).toBe('acknowledgement');
		expect(classifyMessage({ type: 'unsupported', body: null, raw: {} }, false).kind).toBe('unsupported');
	});
});

describe('attachments from webhook messages', () => {
	test('a voice note, an image, a document, a location; bad coordinates and missing ids carry none', () => {
		const sha = Buffer.alloc(32, 7).toString('base64');
		expect(attachmentOf('audio', { audio: { id: '123', mime_type: 'audio/ogg', sha256: sha, voice: true } })).toMatchObject({
			kind: 'audio',
			metaMediaId: '123',
			sha256: '07'.repeat(32),
		});
		expect(attachmentOf('document', { document: { id: '9', filename: 'a.pdf', caption: 'बैंक' } })).toMatchObject({
			fileName: 'a.pdf',
			caption: 'बैंक',
		});
		expect(attachmentOf('location', { location: { latitude: 22.01, longitude: 81.24, name: 'Kawardha' } })).toMatchObject({
			kind: 'location',
			caption: 'Kawardha',
		});
		expect(attachmentOf('location', { location: { latitude: 122, longitude: 81 } })).toBeNull();
		expect(attachmentOf('image', { image: { caption: 'no id' } })).toBeNull();
		expect(attachmentOf('text', { text: { body: 'x' } })).toBeNull();
	});

	test('a media-only complaint says what was sent, in Hindi and English', () => {
		expect(mediaSummary([{ kind: 'audio', caption: null, fileName: null, latitude: null, longitude: null }])).toBe(
			'[वॉइस नोट / voice note]',
		);
		expect(mediaSummary([{ kind: 'location', caption: 'bus stand', fileName: null, latitude: 22.0145, longitude: 81.2413 }])).toBe(
			'[स्थान / location: 22.01450, 81.24130 (bus stand)]',
		);
		expect(mediaSummary([])).toBe('');
	});
});

describe('what the conversation sends is within WhatsApp limits', () => {
	test.each(['hi', 'en'] as const)('%s', (lang) => {
		const all = [
			say.menu(lang, true),
			say.menu(lang, false),
			say.joinConfirm(lang),
			say.deleteConfirm(lang),
			say.chooseLanguage(),
			say.stationList(lang, ['Kawardha', 'Bodla', 'A police station with a very long name indeed']),
		];
		for (const m of all) if (m.kind !== 'text') expect(interactiveProblems(m)).toEqual([]);
	});
});
