import { DECISION_LABELS } from '../../../core/approvals/labels';
import { CATEGORY_INFO, COMPLAINT_CATEGORIES, type ComplaintCategory } from '../../../core/complaints/categories';
import { COMPLAINT_STATUSES, STATUS_LABELS, type ComplaintStatus } from '../../../core/complaints/status';
import { channelMetricLabel, METRIC_LABELS, type MetricKey } from '../../../core/labels';
import type { Lang } from './lang';

/**
 * Dictionary entries whose words core owns, under the keys the dashboard uses for them: chart
 * series and labels carry these keys (a complaint category, `status_<status>`, a decision, a
 * measure), the browser translates them with the same dictionary.
 */
type CoreKey =
	| ComplaintCategory
	| `status_${ComplaintStatus}`
	| 'approved'
	| 'rejected'
	| 'changes_requested'
	| 'approve'
	| 'reject'
	| 'request_changes'
	| Exclude<MetricKey, 'ack_seconds_avg'>
	| 'facebook_views'
	| 'instagram_views'
	| 'x_impressions';

const DASHBOARD_METRICS = [
	'targeted',
	'sent',
	'delivered',
	'read',
	'failed',
	'opt_outs',
	'new_subscribers',
	'complaints_opened',
	'complaints_closed',
	'money_loss',
	'spend_inr',
] as const satisfies readonly MetricKey[];

export function coreLabels(lang: Lang): Record<CoreKey, string> {
	const out: Partial<Record<CoreKey, string>> = {};
	for (const c of COMPLAINT_CATEGORIES) out[c] = lang === 'hi' ? CATEGORY_INFO[c].shortHi : CATEGORY_INFO[c].shortEn;
	for (const s of COMPLAINT_STATUSES) out[`status_${s}`] = STATUS_LABELS[s][lang];
	out.approved = DECISION_LABELS.approved.done[lang];
	out.rejected = DECISION_LABELS.rejected.done[lang];
	out.changes_requested = DECISION_LABELS.changes_requested.done[lang];
	out.approve = DECISION_LABELS.approved.verb[lang];
	out.reject = DECISION_LABELS.rejected.verb[lang];
	out.request_changes = DECISION_LABELS.changes_requested.verb[lang];
	for (const m of DASHBOARD_METRICS) out[m] = METRIC_LABELS[m][lang];
	out.facebook_views = channelMetricLabel('facebook', 'views')[lang];
	out.instagram_views = channelMetricLabel('instagram', 'views')[lang];
	// X calls its views impressions; the measure (and its rollup column) is the same.
	out.x_impressions = channelMetricLabel('x', 'views')[lang];
	return out as Record<CoreKey, string>;
}
