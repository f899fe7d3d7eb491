/**
 * A piece of campaign content: what the cyber cell drafts and the Additional SP approves.
 * Column names live in repository.ts; this is the shape the rest of the project sees.
 */
export const CATEGORIES = ['cyber_fraud', 'women_safety', 'child_safety', 'traffic', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CONTENT_STATES = ['draft', 'pending', 'approved', 'rejected', 'changes_requested', 'published'] as const;
export type ContentState = (typeof CONTENT_STATES)[number];

/** One approved WhatsApp template in one language and the values of its {{1}}, {{2}}... */
export interface WhatsAppTemplateVariant {
	name: string;
	/** Meta language code: 'hi', 'en', 'en_US'... */
	language: string;
	params: string[];
}

export interface ContentVariants {
	whatsapp?: { templates: { hi?: WhatsAppTemplateVariant; en?: WhatsAppTemplateVariant } };
	x?: { text: string };
	instagram?: { caption: string };
	facebook?: { text: string; link?: string };
}

/** What a person writes: everything that decides what citizens will see. */
export interface ContentDraft {
	title: string;
	bodyHi: string;
	bodyEn: string;
	imageUrl?: string | null;
	category: Category;
	/** 'YYYY-MM-DD': the day of the district's calendar the content is meant for. */
	targetDate?: string | null;
	variants?: ContentVariants;
	/**
	 * The channels it is meant for ('whatsapp', 'facebook', 'instagram', 'x'), in the registry's
	 * order; null or absent = not chosen (every channel, as content written before the choice existed).
	 */
	channels?: string[] | null;
}

export interface Content extends Required<Omit<ContentDraft, 'imageUrl' | 'targetDate' | 'variants' | 'channels'>> {
	id: number;
	districtId: number;
	imageUrl: string | null;
	targetDate: string | null;
	variants: ContentVariants;
	channels: string[] | null;
	state: ContentState;
	contentHash: string;
	approvedHash: string | null;
	approvedBy: string | null;
	approvedAt: Date | null;
	createdBy: string | null;
	createdAt: Date;
	updatedAt: Date;
}
