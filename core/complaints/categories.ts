/**
 * Complaint categories, following the national cybercrime portal (cybercrime.gov.in):
 * "Women / child related crime" and, under "Other cyber crime", online financial fraud,
 * online and social media related crime, hacking, mobile related, cryptocurrency crime and
 * any other. The SQL CHECK in migration 050 lists the same values.
 */
export const COMPLAINT_CATEGORIES = [
	'women_child',
	'online_financial_fraud',
	'social_media',
	'hacking',
	'mobile',
	'cryptocurrency',
	'other',
] as const;

export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export interface CategoryInfo {
	/** The portal's name: in replies to citizens, reports and the node's options. */
	labelEn: string;
	labelHi: string;
	/** The same name, short enough for a chart legend or a table cell on a phone. */
	shortEn: string;
	shortHi: string;
	/** Women / child related: least data kept, visible only to roles that need it. */
	sensitive: boolean;
}

export const CATEGORY_INFO: Readonly<Record<ComplaintCategory, CategoryInfo>> = Object.freeze({
	women_child: {
		labelEn: 'Women / child related crime',
		labelHi: 'महिला / बच्चों से संबंधित अपराध',
		shortEn: 'Women / child related',
		shortHi: 'महिला / बच्चों से संबंधित',
		sensitive: true,
	},
	online_financial_fraud: {
		labelEn: 'Online financial fraud',
		labelHi: 'ऑनलाइन वित्तीय धोखाधड़ी',
		shortEn: 'Online financial fraud',
		shortHi: 'ऑनलाइन वित्तीय धोखाधड़ी',
		sensitive: false,
	},
	social_media: {
		labelEn: 'Online and social media related crime',
		labelHi: 'ऑनलाइन व सोशल मीडिया से जुड़ा अपराध',
		shortEn: 'Social media',
		shortHi: 'सोशल मीडिया',
		sensitive: false,
	},
	hacking: {
		labelEn: 'Hacking / damage to computer systems',
		labelHi: 'हैकिंग / कंप्यूटर सिस्टम को नुकसान',
		shortEn: 'Hacking',
		shortHi: 'हैकिंग',
		sensitive: false,
	},
	mobile: {
		labelEn: 'Mobile related crime (lost phone, SIM)',
		labelHi: 'मोबाइल से जुड़ा अपराध (गुम फोन, सिम)',
		shortEn: 'Mobile (lost phone, SIM)',
		shortHi: 'मोबाइल (गुम फोन, सिम)',
		sensitive: false,
	},
	cryptocurrency: {
		labelEn: 'Cryptocurrency crime',
		labelHi: 'क्रिप्टोकरेंसी अपराध',
		shortEn: 'Cryptocurrency',
		shortHi: 'क्रिप्टोकरेंसी',
		sensitive: false,
	},
	other: {
		labelEn: 'Any other cyber crime',
		labelHi: 'अन्य साइबर अपराध',
		shortEn: 'Other',
		shortHi: 'अन्य',
		sensitive: false,
	},
});

export function isComplaintCategory(x: unknown): x is ComplaintCategory {
	return typeof x === 'string' && (COMPLAINT_CATEGORIES as readonly string[]).includes(x);
}

export function isSensitiveCategory(c: ComplaintCategory): boolean {
	return CATEGORY_INFO[c].sensitive;
}
