import { toAsciiDigits } from '../phone';
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from './categories';
import { KEYWORDS, type KeywordTable } from './keywords';
import { detectMoneyLoss } from './money';

/**
 * Keyword classifier for citizens' messages. Deterministic and explainable (an officer can see
 * which words decided), cheap enough to run in the webhook path, and wrong in known ways: the
 * officer's manual override (ComplaintService.overrideCategory) corrects it.
 *
 * Score per category = sum of matched keyword weights. A money loss adds to online financial
 * fraud (unless cryptocurrency leads: crypto losses have their own portal category). Women /
 * child related wins whenever it scores decisively (>= 3), because those reports must reach
 * the restricted queue even when they also mention a photo or a social network.
 */
export interface Classification {
	category: ComplaintCategory;
	/** 0..1: how clearly the winner beat the others (0.2 when nothing matched). */
	confidence: number;
	scores: Partial<Record<ComplaintCategory, number>>;
	matched: string[];
	moneyLoss: boolean;
	amountInr: number | null;
	language: 'hi' | 'en' | null;
}

export function foldText(raw: string): string {
	return toAsciiDigits(raw.normalize('NFC'))
		.toLowerCase()
		.replace(/\u093c/g, '') // nukta: ज़ = ज
		.replace(/\u0901/g, '\u0902') // chandrabindu → anusvara: पाँच = पांच
		.replace(/[^\p{L}\p{M}\p{N}₹/\- ]+/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Compiled {
	category: ComplaintCategory;
	keyword: string;
	weight: number;
	test: (text: string) => boolean;
}

function compile(table: KeywordTable): Compiled[] {
	const out: Compiled[] = [];
	for (const [category, list] of Object.entries(table) as [ComplaintCategory, readonly (readonly [string, number])[]][]) {
		for (const [kw, weight] of list) {
			const k = foldText(kw.replace(/\*$/, '')) + (kw.endsWith('*') ? '*' : '');
			if (/[\u0900-\u097f]/.test(k)) {
				out.push({ category, keyword: kw, weight, test: (t) => t.includes(k) });
			} else {
				const body = escape(k.replace(/\*$/, '')).replace(/ /g, '\\s+');
				const re = new RegExp(`(?<![\\p{L}\\p{N}])${body}${k.endsWith('*') ? '[\\p{L}]*' : ''}(?![\\p{L}\\p{N}])`, 'u');
				out.push({ category, keyword: kw, weight, test: (t) => re.test(t) });
			}
		}
	}
	return out;
}

const COMPILED = compile(KEYWORDS);

const HINGLISH = [
	'hai',
	'hain',
	'ho',
	'mera',
	'mere',
	'meri',
	'mujhe',
	'maine',
	'se',
	'ko',
	'ka',
	'ki',
	'ke',
	'gaye',
	'gye',
	'gaya',
	'gya',
	'diya',
	'tha',
	'thi',
	'nahi',
	'nahin',
	'kya',
	'kar',
	'karke',
	'raha',
	'rahe',
	'rha',
	'paise',
	'aur',
	'par',
	'koi',
	'kisi',
	'bhi',
	'kaise',
	'hua',
	'hoga',
	'liya',
	'liye',
	'wala',
	'sir',
	'ji',
	'bhai',
	'kat',
	'mein',
	'me',
	'ne',
	'hamara',
	'humne',
];
const ENGLISH = [
	'the',
	'my',
	'is',
	'was',
	'from',
	'have',
	'has',
	'i',
	'someone',
	'please',
	'been',
	'and',
	'to',
	'of',
	'it',
	'me',
	'by',
	'for',
	'with',
	'an',
	'a',
];

/** The language to answer in: Devanagari or Hinglish → Hindi; clear English → English; else unknown. */
export function detectLanguage(raw: string): 'hi' | 'en' | null {
	const deva = (raw.match(/[\u0900-\u097f]/g) ?? []).length;
	const latin = (raw.match(/[A-Za-z]/g) ?? []).length;
	if (deva > 0 && deva >= latin / 3) return 'hi';
	const words = foldText(raw).split(' ');
	const hi = words.filter((w) => HINGLISH.includes(w)).length;
	const en = words.filter((w) => ENGLISH.includes(w)).length;
	if (hi >= 2 && hi >= en) return 'hi';
	if (en >= 2) return 'en';
	if (hi >= 1 && en === 0) return 'hi';
	return null;
}

export function classify(raw: string): Classification {
	const text = foldText(raw ?? '');
	const scores: Partial<Record<ComplaintCategory, number>> = {};
	const matched: string[] = [];
	for (const c of COMPILED) {
		if (c.test(text)) {
			scores[c.category] = (scores[c.category] ?? 0) + c.weight;
			matched.push(c.keyword);
		}
	}
	const money = detectMoneyLoss(raw ?? '');
	if (money.moneyLoss) {
		matched.push('(money lost)');
		if ((scores.cryptocurrency ?? 0) >= 3) scores.cryptocurrency = (scores.cryptocurrency ?? 0) + 3;
		else scores.online_financial_fraud = (scores.online_financial_fraud ?? 0) + 3;
	}
	const ranked = COMPLAINT_CATEGORIES.filter((c) => (scores[c] ?? 0) > 0).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0));
	let category: ComplaintCategory = ranked[0] ?? 'other';
	if ((scores.women_child ?? 0) >= 3) category = 'women_child';
	const top = scores[category] ?? 0;
	const second = Math.max(0, ...ranked.filter((c) => c !== category).map((c) => scores[c] ?? 0));
	// Only a weak hint (a single weight-1 word) is not enough to name a category.
	if (top < 2 && category !== 'other') category = 'other';
	const confidence = top === 0 || category === 'other' ? 0.2 : Math.min(0.99, Math.round((top / (top + second + 1)) * 100) / 100);
	return {
		category,
		confidence,
		scores,
		matched,
		moneyLoss: money.moneyLoss,
		amountInr: money.amountInr,
		language: detectLanguage(raw ?? ''),
	};
}
