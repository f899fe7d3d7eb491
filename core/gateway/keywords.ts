/**
 * The one keyword table for opting out and back in over WhatsApp: English, Hindi (Devanagari)
 * and Hinglish (Hindi in Latin letters), as citizens actually type them. A message matches only
 * when the WHOLE message is a keyword (after case, spacing, punctuation and emoji are
 * removed): "stop" opts out, "please stop calling me, I was cheated" is a complaint.
 *
 * Left out on purpose: CANCEL, END, QUIT (SMS carriers' list): on a police complaint line
 * "cancel" usually means "cancel my complaint", not "stop the daily message".
 */
export type Keyword = 'stop' | 'start';

const STOP = [
	// English
	'stop',
	'stop all',
	'stopall',
	'stop messages',
	'stop message',
	'unsubscribe',
	'unsub',
	'opt out',
	'optout',
	'stop promotions',
	// Hindi
	'बंद',
	'बन्द',
	'बंद करो',
	'बंद करें',
	'बंद करे',
	'बंद कीजिए',
	'बंद कर दो',
	'बन्द करो',
	'बन्द करें',
	'रोकें',
	'रोको',
	'रोक दो',
	'रोक दें',
	'मत भेजो',
	'मत भेजें',
	'संदेश बंद करो',
	'संदेश बंद करें',
	'मैसेज बंद करो',
	'मैसेज बंद करें',
	// Hinglish
	'band',
	'bandh',
	'band karo',
	'band kare',
	'band karen',
	'band karein',
	'band kar do',
	'bandh karo',
	'roko',
	'roken',
	'rokein',
	'rok do',
	'mat bhejo',
	'mat bhejna',
	'message band karo',
	'msg band karo',
	'sandesh band karo',
];

const START = [
	// English
	'start',
	'subscribe',
	'unstop',
	'resume',
	'start messages',
	'start again',
	// Hindi
	'शुरू',
	'शुरु',
	'शुरू करो',
	'शुरू करें',
	'शुरू कीजिए',
	'चालू',
	'चालू करो',
	'चालू करें',
	'फिर से शुरू करो',
	'फिर से शुरू करें',
	// Hinglish
	'shuru',
	'shuru karo',
	'shuru karen',
	'shuru karein',
	'chalu',
	'chalu karo',
	'chaalu karo',
	'phir se shuru karo',
];

/**
 * Lower-case, NFC, punctuation / symbols / emoji removed, runs of spaces collapsed. Devanagari
 * letters and their combining vowel signs (category M) are kept, so "बंद" stays "बंद".
 */
export function normaliseKeywordText(text: string): string {
	return text
		.normalize('NFC')
		.toLowerCase()
		.replace(/[\u200b-\u200d\ufe0f]/g, '') // zero-width joiners and emoji variation selectors
		.replace(/[^\p{L}\p{M}\p{N}\s]/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

const TABLE = new Map<string, Keyword>([
	...STOP.map((k) => [normaliseKeywordText(k), 'stop'] as const),
	...START.map((k) => [normaliseKeywordText(k), 'start'] as const),
]);

/** Only short messages can be a keyword; longer ones are never looked up. */
const MAX_KEYWORD_LENGTH = 40;

export function matchKeyword(text: string | null | undefined): Keyword | null {
	if (!text || text.length > MAX_KEYWORD_LENGTH * 4) return null;
	const t = normaliseKeywordText(text);
	if (t === '' || t.length > MAX_KEYWORD_LENGTH) return null;
	return TABLE.get(t) ?? null;
}

/** Sent after the change is committed; both languages, since we may not know the citizen's. */
export const CONFIRMATIONS: Record<Keyword, string> = {
	stop:
		'आपको अब पुलिस मितान संदेश नहीं मिलेंगे। फिर से शुरू करने के लिए START या शुरू भेजें।\n' +
		'You will no longer receive Police Mitan messages. Send START to subscribe again.',
	start:
		'आपको फिर से पुलिस मितान संदेश मिलेंगे। बंद करने के लिए STOP या बंद भेजें।\n' +
		'You will receive Police Mitan messages again. Send STOP to unsubscribe.',
};
