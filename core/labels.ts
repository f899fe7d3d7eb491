/**
 * The bilingual names of the project's measures and channels, shared by the dashboard (cards,
 * chart legends, CSV headers), the reach report's n8n items and messages: one wording, one
 * translation. Names of other concepts live with their concept: complaint statuses in
 * core/complaints/status.ts, complaint categories in core/complaints/categories.ts, content
 * categories in core/approvals/preview.ts, decisions in core/approvals/labels.ts.
 */
export interface Bilingual {
	en: string;
	hi: string;
}

export const CHANNEL_LABELS = Object.freeze({
	whatsapp: { en: 'WhatsApp', hi: 'व्हाट्सऐप' },
	facebook: { en: 'Facebook', hi: 'फ़ेसबुक' },
	instagram: { en: 'Instagram', hi: 'इंस्टाग्राम' },
	x: { en: 'X', hi: 'X' },
} satisfies Record<string, Bilingual>);

export type LabelledChannel = keyof typeof CHANNEL_LABELS;

/** WhatsApp reach and complaint counts: the keys are the rollup columns and the dashboard's card / series keys. */
export const METRIC_LABELS = Object.freeze({
	targeted: { en: 'Citizens targeted', hi: 'लक्षित नागरिक' },
	sent: { en: 'Messages sent', hi: 'भेजे गए संदेश' },
	delivered: { en: 'Delivered', hi: 'पहुँचे' },
	read: { en: 'Read', hi: 'पढ़े गए' },
	failed: { en: 'Failed', hi: 'विफल' },
	opt_outs: { en: 'Opted out (STOP)', hi: 'सदस्यता छोड़ी (STOP)' },
	new_subscribers: { en: 'New subscribers', hi: 'नए सदस्य' },
	spend_inr: { en: 'WhatsApp spend (₹)', hi: 'व्हाट्सऐप खर्च (₹)' },
	complaints_opened: { en: 'Complaints received', hi: 'प्राप्त शिकायतें' },
	complaints_closed: { en: 'Complaints closed', hi: 'बंद शिकायतें' },
	money_loss: { en: 'Money lost (told to call 1930)', hi: 'पैसे गंवाए (1930 पर कॉल को कहा)' },
	ack_seconds_avg: { en: 'Average time to acknowledge (s)', hi: 'पावती का औसत समय (सेकंड)' },
} satisfies Record<string, Bilingual>);

export type MetricKey = keyof typeof METRIC_LABELS;

/** What a social post is measured by, composed with the channel's name ("Facebook views"). */
export const POST_METRIC_LABELS = Object.freeze({
	posts: { en: 'posts', hi: 'पोस्ट' },
	views: { en: 'views', hi: 'व्यूज़' },
	reach: { en: 'reach', hi: 'पहुँच' },
} satisfies Record<string, Bilingual>);

export type PostMetric = keyof typeof POST_METRIC_LABELS;

export function channelMetricLabel(channel: string, metric: PostMetric): Bilingual {
	const c: Bilingual = (CHANNEL_LABELS as Record<string, Bilingual>)[channel] ?? { en: channel, hi: channel };
	const m = POST_METRIC_LABELS[metric];
	return { en: `${c.en} ${m.en}`, hi: `${c.hi} ${m.hi}` };
}
