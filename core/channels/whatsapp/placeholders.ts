/**
 * The one owner of "may this credential message a placeholder staff number?". A fresh install's staff
 * registry holds placeholder numbers (core/phone.ts: +91 00000 00xxx) so training works out of the
 * box; a district that puts in its real WhatsApp credential and forgets one would send alerts carrying
 * citizens' details nowhere. So a live credential refuses while any placeholder is configured: the
 * registry's entries (core/staff/live.ts, naming the role) and, for a number typed straight into a
 * node, the recipients at send time (naming the workflow, node and field).
 */
import { MitanError } from '../../errors';
import { isPlaceholderPhone, PLACEHOLDER_PHONE_RANGE } from '../../phone';
import { GRAPH_BASE_URL } from '../api';
import type { WhatsAppConfig } from './types';

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\]|::1)$/i;

/**
 * The sandbox, as far as a credential can tell: a base URL on this machine (`npm start` and the tests
 * run it on 127.0.0.1). No base URL means Meta's Graph API; any other host is treated as live, so a
 * proxy in front of Meta cannot slip through.
 */
export function isSandboxWhatsApp(config: Pick<WhatsAppConfig, 'baseUrl'>): boolean {
	const base = config.baseUrl?.trim() || GRAPH_BASE_URL;
	try {
		return LOOPBACK.test(new URL(base).hostname);
	} catch {
		return false;
	}
}

export interface PlaceholderWhere {
	workflow?: string;
	node?: string;
	/** The node parameter holding the numbers. */
	field: string;
}

/** Throws STAFF_PHONE_PLACEHOLDER when `phones` holds a placeholder and the credential is live. */
export function assertNoLivePlaceholder(config: Pick<WhatsAppConfig, 'baseUrl'>, phones: readonly string[], where: PlaceholderWhere): void {
	const found = phones.filter((p) => isPlaceholderPhone(p));
	if (found.length === 0 || isSandboxWhatsApp(config)) return;
	const place = [where.workflow && `workflow "${where.workflow}"`, where.node && `node "${where.node}"`, `field "${where.field}"`]
		.filter(Boolean)
		.join(', ');
	throw new MitanError(
		'STAFF_PHONE_PLACEHOLDER',
		`${place}: ${found.join(', ')} is a placeholder staff number (${PLACEHOLDER_PHONE_RANGE}) and the WhatsApp credential is live: ` +
			`put the real numbers in the staff registry (dashboard → Staff, or \`mitan staff add\`) and read them with ` +
			`Mitan Notify → Staff Number → Get by Role before going live / लाइव WhatsApp से पहले स्टाफ़ रजिस्टर में असली नंबर डालें`,
		{ field: where.field, workflow: where.workflow, node: where.node },
	);
}
