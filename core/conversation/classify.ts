import { detectLanguage } from '../complaints/classify';
import { awarenessReplyId } from '../channels/whatsapp/awareness-template';
import { matchKeyword, normaliseKeywordText } from '../gateway/keywords';

/**
 * What a citizen's message is, decided once, before anything is created (issue 17 §1). Only
 * `complaint` and `media_complaint` go on to the complaint workflow (and get a reference number);
 * everything else the gateway records and, where the citizen asked something, answers itself.
 *
 * Order: typed STOP / START, then staff (a staff number never becomes a complaint, whatever it says), then the answer
 * to a button or list the citizen was sent (routed by its payload id, never by its title), then
 * whole-message words (STOP / START, JOIN, MY DATA, DELETE MY DATA, greetings, thanks), then the
 * message's type.
 */
export type ConversationKind =
	| 'staff'
	| 'reaction'
	| 'acknowledgement'
	| 'greeting'
	| 'menu_reply'
	| 'button_reply'
	| 'start'
	| 'stop'
	| 'join'
	| 'my_data'
	| 'delete_my_data'
	| 'complaint'
	| 'media_complaint'
	| 'unsupported';

export interface ClassifiedMessage {
	kind: ConversationKind;
	/** The payload id of a tapped button / list row (menu.fraud, join.yes, station:<name> ...). */
	replyId?: string;
	/** The language the words are in, when they tell (else the subscriber's, else Hindi). */
	language: 'hi' | 'en' | null;
}

/** Kinds that are queued for the complaint workflow. */
export const COMPLAINT_KINDS: ReadonlySet<ConversationKind> = new Set(['complaint', 'media_complaint']);

/** Media a citizen can report with (stored in inbound_attachments); a location has no bytes. */
export const MEDIA_TYPES: ReadonlySet<string> = new Set(['audio', 'image', 'document', 'video', 'location']);

const GREETINGS = [
	'hi',
	'hii',
	'hello',
	'helo',
	'hey',
	'namaste',
	'namaskar',
	'good morning',
	'good evening',
	'menu',
	'नमस्ते',
	'नमस्कार',
	'प्रणाम',
	'राम राम',
	'जय हिंद',
	'jai hind',
	'ram ram',
	'हेलो',
	'हैलो',
	'मेनू',
];
const ACKNOWLEDGEMENTS = [
	'thanks',
	'thank you',
	'thankyou',
	'thanks sir',
	'thank you sir',
	'thx',
	'ok',
	'okay',
	'ok sir',
	'okay sir',
	'k',
	'fine',
	'good',
	'noted',
	'धन्यवाद',
	'धन्यवाद सर',
	'शुक्रिया',
	'ठीक है',
	'ठीक',
	'जी',
	'जी सर',
	'हाँ जी',
	'अच्छा',
	'ओके',
	'dhanyavad',
	'dhanyawad',
	'shukriya',
	'theek hai',
	'thik hai',
	'accha',
	'acha',
];
const JOIN = ['join', 'join mitan', 'subscribe me', 'जुड़ें', 'जुड़े', 'जुड़ना है', 'जोड़ें', 'जोड़ो', 'judein', 'judna hai', 'jodo'];
const MY_DATA = ['my data', 'mydata', 'मेरा डेटा', 'मेरा डाटा', 'mera data', 'what data do you have'];
const DELETE_MY_DATA = [
	'delete my data',
	'delete mydata',
	'erase my data',
	'remove my data',
	'मेरा डेटा हटाएँ',
	'मेरा डेटा हटाएं',
	'मेरा डेटा हटाओ',
	'मेरा डाटा हटाएँ',
	'मेरा डाटा हटाओ',
	'mera data hatao',
	'mera data hataye',
];

const table = (words: string[]) => new Set(words.map((w) => normaliseKeywordText(w)));
const T = {
	greeting: table(GREETINGS),
	acknowledgement: table(ACKNOWLEDGEMENTS),
	join: table(JOIN),
	my_data: table(MY_DATA),
	delete_my_data: table(DELETE_MY_DATA),
};

const HONORIFIC = /(^|\s)(sir|sirji|ji|madam|mam|bhai|saheb|sahab|सर|जी|मैडम|भाई|साहब|साहेब)(?=\s|$)/gu;

/** Emoji-only text ("👍", "🙏🙏") says thanks; it is never a complaint. */
const EMOJI_ONLY = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\s]+$/u;

/** The payload id of a tapped reply: interactive button_reply / list_reply id, or a template quick-reply payload. */
export function replyIdOf(raw: Record<string, unknown>): string | undefined {
	const get = (...keys: string[]): unknown =>
		keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), raw);
	const id = get('interactive', 'button_reply', 'id') ?? get('interactive', 'list_reply', 'id') ?? get('button', 'payload');
	if (typeof id !== 'string' || id === '') return undefined;
	// A template quick reply without a payload of ours: the daily template's buttons, by their words.
	if (raw['button'] !== undefined && !isOurReplyId(id))
		return awarenessReplyId(id) ?? awarenessReplyId(get('button', 'text')) ?? id.slice(0, 200);
	return id.slice(0, 200);
}

/** Payload ids this installation sends (core/conversation/messages.ts); any other tapped reply is words. */
export function isOurReplyId(id: string): boolean {
	return /^(menu|join|delete|lang)\.[a-z_]+$/.test(id) || id.startsWith('station:');
}

export function classifyMessage(
	m: { type: string; body: string | null; raw: Record<string, unknown> },
	isStaff: boolean,
): ClassifiedMessage {
	const language = m.body ? detectLanguage(m.body) : null;
	// STOP / START are a citizen's right before anything else: a staff number on the roster may opt
	// out too (staff alerts are not roster messages, so this stops only the campaign).
	const rosterWord = m.type === 'text' ? matchKeyword(m.body) : null;
	if (isStaff && (rosterWord === 'stop' || rosterWord === 'start')) return { kind: rosterWord, language };
	if (isStaff) return { kind: 'staff', language };
	if (m.type === 'reaction') return { kind: 'reaction', language };
	if (m.type === 'sticker') return { kind: 'acknowledgement', language };
	if (m.type === 'interactive' || m.type === 'button') {
		const id = replyIdOf(m.raw);
		if (id && isOurReplyId(id)) return { kind: id.startsWith('menu.') ? 'menu_reply' : 'button_reply', replyId: id, language };
	}
	if (MEDIA_TYPES.has(m.type)) return { kind: 'media_complaint', language };
	if (m.type !== 'text' && m.type !== 'button' && m.type !== 'interactive') return { kind: 'unsupported', language };
	const keyword = matchKeyword(m.body);
	if (keyword) return { kind: keyword, language };
	const text = normaliseKeywordText(m.body ?? '');
	if (text === '' && m.body && EMOJI_ONLY.test(m.body)) return { kind: 'acknowledgement', language };
	if (text.length <= 40) {
		for (const k of ['delete_my_data', 'my_data', 'join', 'greeting', 'acknowledgement'] as const) {
			if (T[k].has(text)) return { kind: k, language };
		}
		// "namaste sir", "धन्यवाद जी": the same words with a courtesy around them.
		const bare = text.replace(HONORIFIC, ' ').replace(/\s+/g, ' ').trim();
		// Only a courtesy ("sir ji", "सर"): someone calling for attention, answered with the menu.
		if (bare === '') return { kind: 'greeting', language };
		if (bare !== text) for (const k of ['greeting', 'acknowledgement'] as const) if (T[k].has(bare)) return { kind: k, language };
	}
	if (text === '') return { kind: 'acknowledgement', language };
	return { kind: 'complaint', language };
}
