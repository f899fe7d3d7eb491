import { auditTrail } from '../audit';
import type { Queryable } from '../db';

/**
 * The consent record of one citizen (DPDP, issue 17 §3): where and when they agreed, whether that
 * time is the real one (from the import file or their own message) or only the import's clock,
 * the notice version and language they were shown, and when they withdrew (STOP). The history of
 * every change is the audit log's.
 */
export interface ConsentRecord {
	source: string | null;
	at: Date | null;
	/** 'file': the import file's own time; 'import': none in the file, the import's time; 'message': the citizen's message. */
	atSource: 'file' | 'import' | 'message' | null;
	noticeVersion: string | null;
	language: 'hi' | 'en' | null;
	withdrawnAt: Date | null;
	status: string;
	history: Array<{ at: Date; action: string; by: string }>;
}

export async function consentRecord(db: Queryable, subscriberId: number): Promise<ConsentRecord | undefined> {
	const [r] = await db.query(
		`SELECT consent_source, consent_at, consent_at_source, consent_notice_version, consent_language, consent_withdrawn_at, status
       FROM subscribers WHERE id = $1`,
		[subscriberId],
	);
	if (!r) return undefined;
	const d = (v: unknown) => (v ? new Date(v as string) : null);
	const trail = await auditTrail(db, 'subscriber', subscriberId);
	return {
		source: (r.consent_source as string | null) ?? null,
		at: d(r.consent_at),
		atSource: (r.consent_at_source as ConsentRecord['atSource']) ?? null,
		noticeVersion: (r.consent_notice_version as string | null) ?? null,
		language: (r.consent_language as 'hi' | 'en' | null) ?? null,
		withdrawnAt: d(r.consent_withdrawn_at),
		status: r.status as string,
		history: trail.map((a) => ({ at: new Date(a.at), action: a.action, by: a.actor })),
	};
}
