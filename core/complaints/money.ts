import { toAsciiDigits } from '../phone';

/**
 * Did the citizen lose money, and how much? A victim who lost money must be told to call 1930
 * at once (the helpline can still freeze the amount), so this errs on the side of "yes" when
 * a loss verb and money are both mentioned, even without an amount.
 *
 * Amounts: "20000", "20,000", "1,20,000" (Indian grouping), "₹5k", "Rs. 4999", "5 हज़ार",
 * "बीस हज़ार", "ek lakh", "डेढ़ लाख". A number is an amount only with a currency mark, a
 * multiplier word, or a loss verb right after it, so OTPs and phone numbers are not amounts.
 */
export interface MoneyFinding {
	moneyLoss: boolean;
	/** The largest amount found, in rupees. */
	amountInr: number | null;
}

const fold = (s: string) =>
	toAsciiDigits(s.normalize('NFC'))
		.toLowerCase()
		.replace(/\u093c/g, '')
		.replace(/\u0901/g, '\u0902');

/** Number words in Hindi (Devanagari, folded) and Hinglish. */
const NUMBER_WORDS: Record<string, number> = {
	एक: 1,
	दो: 2,
	तीन: 3,
	चार: 4,
	पांच: 5,
	छह: 6,
	छः: 6,
	सात: 7,
	आठ: 8,
	नौ: 9,
	दस: 10,
	ग्यारह: 11,
	बारह: 12,
	पंद्रह: 15,
	बीस: 20,
	पच्चीस: 25,
	तीस: 30,
	चालीस: 40,
	पचास: 50,
	साठ: 60,
	सत्तर: 70,
	अस्सी: 80,
	नब्बे: 90,
	डेढ: 1.5,
	ढाई: 2.5,
	ek: 1,
	do: 2,
	teen: 3,
	tin: 3,
	char: 4,
	chaar: 4,
	panch: 5,
	paanch: 5,
	pach: 5,
	chhe: 6,
	che: 6,
	saat: 7,
	sat: 7,
	aath: 8,
	nau: 9,
	das: 10,
	gyarah: 11,
	barah: 12,
	pandrah: 15,
	bees: 20,
	bis: 20,
	pachchis: 25,
	pachis: 25,
	tees: 30,
	tis: 30,
	chalis: 40,
	chaalis: 40,
	pachas: 50,
	pachaas: 50,
	saath: 60,
	sattar: 70,
	assi: 80,
	nabbe: 90,
	dedh: 1.5,
	dhai: 2.5,
	one: 1,
	two: 2,
	three: 3,
	four: 4,
	five: 5,
	ten: 10,
	twenty: 20,
	fifty: 50,
};

const MULTIPLIERS: Record<string, number> = {
	k: 1_000,
	hazar: 1_000,
	hazaar: 1_000,
	hajar: 1_000,
	hajaar: 1_000,
	thousand: 1_000,
	हजार: 1_000,
	हज़ार: 1_000,
	lakh: 100_000,
	lac: 100_000,
	lakhs: 100_000,
	laakh: 100_000,
	लाख: 100_000,
	crore: 10_000_000,
	karod: 10_000_000,
	करोड: 10_000_000,
};

const CURRENCY = String.raw`(?:₹|rs\.?|inr|रु\.?|रुपये|रुपए|रुपया|rupaye|rupay|rupees?|rupiya)`;
const MULT = String.raw`(?:k|hazaa?r|hajaa?r|thousand|lakhs?|lac|laakh|crore|karod|हजार|लाख|करोड)`;
const LOSS_AFTER = String.raw`(?:(?:was|were|is|has\s+been|ho|ka|ki|ke)\s+)?(?:kat|kaat|cut|nikal|nikaal|gaye|gye|gaya|gya|chale|dub|doob|debit|deduct|transfer|transaction|le\s+liye|lost|gone|taken|कट|कटे|निकल|निकाल|गए|गये|चले|डूब|ले\s+लिए|डेबिट)`;

/** Words that say money left the citizen's hands. */
const LOSS_VERBS = [
	'kat gaye',
	'kat gye',
	'kat gaya',
	'kat gya',
	'kaat liye',
	'kat liye',
	'cut gaye',
	'cut gye',
	'cut ho',
	'nikal gaye',
	'nikal gye',
	'nikal liye',
	'nikaal liye',
	'debit ho',
	'debited',
	'deducted',
	'withdrawn',
	'dub gaye',
	'doob gaye',
	'le liye',
	'lut gaye',
	'lost',
	'stolen',
	'transferred',
	'chale gaye',
	'chale gye',
	'gawa',
	'gavaa',
	'gawaa',
	'thag liya',
	'thag liye',
	'thaga',
	'thagi ho',
	'paise gaye',
	'paisa gaya',
	'fraud ho',
	'scam ho',
	'money gone',
	'taken from my account',
	'took my money',
	'took money',
	'took',
	'deduct kar',
	'deduct ho',
	'transfer karwa',
	'transfer kar',
	'transfer ho gaye',
	'कट गए',
	'कट गये',
	'कटे',
	'कट गया',
	'निकल गए',
	'निकल गये',
	'निकाल लिए',
	'डेबिट',
	'डूब गए',
	'ले लिए',
	'लूट',
	'चले गए',
	'गंवा',
	'गवां',
	'ठग लिया',
	'ठग लिए',
	'ठगी हो',
	'ट्रांसफर हो',
	'कट गई',
];
const MONEY_WORDS = [
	'paise',
	'paisa',
	'rupaye',
	'rupees',
	'rupay',
	'money',
	'amount',
	'rs',
	'inr',
	'₹',
	'पैसे',
	'पैसा',
	'रुपये',
	'रुपए',
	'राशि',
	'balance',
	'account',
	'khate',
	'खाते',
];

function hasWord(text: string, w: string): boolean {
	if (/^[a-z ]+$/.test(w)) return new RegExp(`(?<![a-z0-9])${w.replace(/ /g, '\\s+')}(?![a-z0-9])`).test(text);
	return text.includes(w);
}

function parseNumber(digits: string): number {
	return Number(digits.replace(/,/g, ''));
}

export function findAmounts(raw: string): number[] {
	return scanAmounts(raw).map((a) => a.value);
}

/** Amounts, each with whether a loss verb follows it ("30000 gaye"). */
function scanAmounts(raw: string): { value: number; lossAfter: boolean }[] {
	const text = fold(raw);
	const found: { value: number; lossAfter: boolean }[] = [];
	// Digits with a currency mark before, or a multiplier / loss verb after.
	const num = String.raw`(\d{1,3}(?:,\d{2,3})+|\d+(?:\.\d+)?)`;
	const re = new RegExp(String.raw`(${CURRENCY}\s*)?${num}\s*(${MULT}(?![a-z]))?(\s*(?:/-|${CURRENCY}))?(\s*${LOSS_AFTER})?`, 'g');
	for (const m of text.matchAll(re)) {
		const [, cur, digits, mult, curAfter, loss] = m;
		const before = text.slice(Math.max(0, m.index! - 6), m.index!);
		if (/otp\s*$|ओटीपी\s*$|pin\s*$|पिन\s*$/.test(before)) continue;
		const plain = digits.replace(/,/g, '');
		if (/^[6-9]\d{9}$/.test(plain) && !cur) continue; // a mobile number
		if (!cur && !mult && !curAfter && !loss) continue;
		const value = parseNumber(digits) * (mult ? (MULTIPLIERS[mult] ?? 1) : 1);
		if (value >= 1 && value < 1e11) found.push({ value: Math.round(value), lossAfter: !!loss });
	}
	// Number words: "बीस हज़ार", "ek lakh", "dedh lakh".
	const words = Object.keys(NUMBER_WORDS)
		.sort((a, b) => b.length - a.length)
		.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	const wre = new RegExp(String.raw`(?<![a-z\u0900-\u097f])(${words.join('|')})\s+(${MULT})(?![a-z])`, 'g');
	for (const m of text.matchAll(wre)) found.push({ value: Math.round(NUMBER_WORDS[m[1]] * MULTIPLIERS[m[2]]), lossAfter: false });
	return found;
}

export function detectMoneyLoss(raw: string): MoneyFinding {
	const text = fold(raw);
	const scanned = scanAmounts(raw);
	const amounts = scanned.map((a) => a.value);
	const loss = scanned.some((a) => a.lossAfter) || LOSS_VERBS.some((w) => hasWord(text, fold(w)));
	const money = amounts.length > 0 || MONEY_WORDS.some((w) => hasWord(text, fold(w)));
	return { moneyLoss: loss && money, amountInr: amounts.length ? Math.max(...amounts) : null };
}
