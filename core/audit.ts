import type { Queryable } from './db';

/**
 * The append-only audit log. Callers pass masked personal data only: the log outlives
 * erasure requests, so it must never hold a whole phone number or a name.
 */
export interface AuditEntry {
	districtId?: number | null;
	actor: string;
	action: string;
	entity: string;
	entityId?: string | number | null;
	ip?: string | null;
	contentHash?: string | null;
	details?: Record<string, unknown>;
}

export async function audit(db: Queryable, e: AuditEntry): Promise<void> {
	await db.query(
		`INSERT INTO audit_log (district_id, actor, action, entity, entity_id, ip, content_hash, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
		[
			e.districtId ?? null,
			e.actor,
			e.action,
			e.entity,
			e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
			e.ip ?? null,
			e.contentHash ?? null,
			JSON.stringify(e.details ?? {}),
		],
	);
}

export interface AuditRow {
	id: number;
	at: Date;
	district_id: number | null;
	actor: string;
	action: string;
	entity: string;
	entity_id: string | null;
	ip: string | null;
	content_hash: string | null;
	details: Record<string, unknown>;
}

export async function auditTrail(db: Queryable, entity: string, entityId: string | number): Promise<AuditRow[]> {
	return db.query<AuditRow & Record<string, unknown>>('SELECT * FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id', [
		entity,
		String(entityId),
	]);
}
