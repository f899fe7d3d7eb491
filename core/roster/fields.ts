/**
 * What a roster row may hold and how spreadsheet headers (Hindi or English) map to it.
 */
export type RosterField =
	'phone' | 'name' | 'language' | 'police_station' | 'block' | 'village' | 'tags' | 'consent_source' | 'consent_at' | 'consent_evidence';

const ALIASES: Record<RosterField, string[]> = {
	phone: [
		'phone',
		'mobile',
		'mobile no',
		'mobile number',
		'phone number',
		'phone no',
		'contact',
		'contact number',
		'whatsapp',
		'whatsapp number',
		'whatsapp no',
		'number',
		'मोबाइल',
		'मोबाइल नंबर',
		'मोबाईल',
		'मोबाईल नंबर',
		'फ़ोन',
		'फोन',
		'फोन नंबर',
		'फ़ोन नंबर',
		'नंबर',
		'व्हाट्सएप',
		'व्हाट्सएप नंबर',
		'दूरभाष',
	],
	name: ['name', 'full name', 'citizen name', 'नाम', 'पूरा नाम'],
	language: ['language', 'lang', 'भाषा'],
	police_station: ['police station', 'ps', 'thana', 'station', 'थाना', 'पुलिस थाना', 'थाना क्षेत्र'],
	block: ['block', 'tehsil', 'ब्लॉक', 'विकासखंड', 'विकास खंड', 'तहसील'],
	village: ['village', 'ward', 'locality', 'gaon', 'गांव', 'गाँव', 'ग्राम', 'वार्ड', 'मोहल्ला'],
	tags: ['tags', 'tag', 'group', 'टैग', 'समूह'],
	consent_source: ['consent', 'consent source', 'source', 'सहमति', 'सहमति स्रोत', 'स्रोत'],
	consent_at: ['consent date', 'consent time', 'consent at', 'date', 'सहमति तिथि', 'तिथि', 'दिनांक'],
	consent_evidence: ['consent evidence', 'evidence', 'proof', 'प्रमाण', 'साक्ष्य'],
};

export function normaliseHeader(h: string): string {
	return h
		.normalize('NFC')
		.replace(/^\uFEFF/, '')
		.toLowerCase()
		.replace(/[._\-:/()#*]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

const LOOKUP = new Map<string, RosterField>();
for (const [field, names] of Object.entries(ALIASES) as [RosterField, string[]][]) {
	for (const n of names) LOOKUP.set(normaliseHeader(n), field);
}

export function fieldForHeader(header: string): RosterField | undefined {
	return LOOKUP.get(normaliseHeader(header));
}

/** Language cells as people write them: "Hindi", "हिंदी", "hi", "EN"... */
export function parseLanguage(v: string | undefined | null): 'hi' | 'en' | undefined | null {
	if (v === undefined || v === null || v.trim() === '') return undefined;
	const s = v.normalize('NFC').trim().toLowerCase();
	if (['hi', 'hin', 'hindi', 'हिंदी', 'हिन्दी', 'h'].includes(s)) return 'hi';
	if (['en', 'eng', 'english', 'अंग्रेजी', 'अंग्रेज़ी', 'इंग्लिश', 'e'].includes(s)) return 'en';
	return null;
}

/** The formula check is core/csv.ts's; re-exported for the roster's intake. */
export { looksLikeFormula } from '../csv';

export function parseTags(v: string | undefined): string[] {
	if (!v) return [];
	return [
		...new Set(
			v
				.split(/[,;|]/)
				.map((t) => t.trim().toLowerCase())
				.filter(Boolean),
		),
	].sort();
}
