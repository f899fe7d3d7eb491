import { allChannels, channelRules } from '../channels/registry';
import type { ChannelPreview } from '../channels/types';
import { shortHash } from '../content/hash';
import type { Category, Content } from '../content/types';
import { formatDeadline } from './labels';
import type { ApprovalLinks } from './types';

/**
 * Exactly what will be published, channel by channel, for the approver's eyes: the decision page,
 * the dashboard queue and the WhatsApp preview all render this one structure, so none of them can
 * show something the publishers will not send.
 */
export const CATEGORY_LABEL: Record<Category, { hi: string; en: string }> = {
	cyber_fraud: { hi: 'साइबर धोखाधड़ी', en: 'Cyber fraud' },
	women_safety: { hi: 'महिला सुरक्षा', en: "Women's safety" },
	child_safety: { hi: 'बाल सुरक्षा', en: 'Child safety' },
	traffic: { hi: 'यातायात नियम', en: 'Traffic' },
	other: { hi: 'अन्य', en: 'Other' },
};

export type { ChannelPreview } from '../channels/types';

export interface ContentPreview {
	contentId: number;
	title: string;
	category: Category;
	categoryLabel: { hi: string; en: string };
	targetDate: string | null;
	imageUrl: string | null;
	bodyHi: string;
	bodyEn: string;
	contentHash: string;
	shortHash: string;
	channels: ChannelPreview[];
}

export function buildPreview(c: Content): ContentPreview {
	// Each channel shows its own part, counted and limited by its own rules (the ones publishing applies).
	const channels: ChannelPreview[] = allChannels().flatMap((ch) => channelRules(ch).preview(c));
	return {
		contentId: c.id,
		title: c.title,
		category: c.category,
		categoryLabel: CATEGORY_LABEL[c.category],
		targetDate: c.targetDate,
		imageUrl: c.imageUrl,
		bodyHi: c.bodyHi,
		bodyEn: c.bodyEn,
		contentHash: c.contentHash,
		shortHash: shortHash(c.contentHash),
		channels,
	};
}

const clip = (s: string, n: number): string => ([...s].length <= n ? s : `${[...s].slice(0, n - 1).join('')}…`);

/**
 * The WhatsApp message to the approver: bilingual, short enough for a phone screen (WhatsApp's
 * limit is 4,096 characters; bodies are clipped here and shown whole on the decision page).
 */
export function approvalRequestText(
	p: ContentPreview,
	links: ApprovalLinks,
	/** `timeZone`: the request's district's, for the deadline. */
	opts: { deadlineAt: Date | null; level: number; reminder?: boolean; timeZone: string },
): string {
	const head = opts.reminder
		? '⏰ अनुस्मारक / Reminder: अनुमोदन लंबित है / approval pending'
		: opts.level > 1
			? '⚠️ समय-सीमा बीत गई, अब आपका निर्णय चाहिए / Escalated to you: the first approver did not answer in time'
			: '📝 पुलिस मितान: अनुमोदन हेतु सामग्री / Police Mitan: content for your approval';
	// The links come before the clipped texts: the approver opens a link to read everything anyway.
	const lines = [
		head,
		'',
		`*${p.title}*`,
		`${p.categoryLabel.hi} / ${p.categoryLabel.en}${p.targetDate ? ` · ${p.targetDate}` : ''} · Hash ${p.shortHash}`,
	];
	if (opts.deadlineAt) lines.push(`समय-सीमा / Deadline: ${formatDeadline(opts.deadlineAt, opts.timeZone)}`);
	lines.push(
		'',
		'पूरा पाठ देखकर निर्णय लें / Open to see the full text and decide:',
		`✅ स्वीकृत करें / Approve: ${links.approve}`,
		`✏️ बदलाव माँगें / Request changes: ${links.changes}`,
		`❌ अस्वीकार करें / Reject: ${links.reject}`,
		'',
		`हिंदी: ${clip(p.bodyHi, 300)}`,
		`English: ${clip(p.bodyEn, 300)}`,
	);
	return lines.join('\n');
}
