import { citizenHash } from '../complaints/service';
import type { Queryable } from '../db';

/** The conversation's SQL: open questions, and what is held about a citizen (MY DATA, complaint status). */

export type Question = 'join_confirm' | 'join_station' | 'delete_confirm';

export interface Pending {
	question: Question;
	language: 'hi' | 'en';
	noticeVersion: string | null;
	expired: boolean;
}

/** An open question lasts as long as the 24-hour window its answer must arrive in. */
export const QUESTION_HOURS = 24;

export async function askQuestion(
	db: Queryable,
	districtId: number,
	phone: string,
	q: Question,
	language: 'hi' | 'en',
	noticeVersion: string | null = null,
): Promise<void> {
	await db.query(
		`INSERT INTO conversation_pending (district_id, phone, question, language, notice_version, asked_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, now(), now() + make_interval(hours => $6))
     ON CONFLICT (district_id, phone) DO UPDATE SET question = EXCLUDED.question, language = EXCLUDED.language,
       notice_version = EXCLUDED.notice_version, asked_at = EXCLUDED.asked_at, expires_at = EXCLUDED.expires_at`,
		[districtId, phone, q, language, noticeVersion, QUESTION_HOURS],
	);
}

/** The open question `q`, taken (deleted) so an answer counts once; undefined when that is not the open one. */
export async function takeQuestion(db: Queryable, districtId: number, phone: string, q: Question): Promise<Pending | undefined> {
	const [r] = await db.query<{ question: Question; language: 'hi' | 'en'; notice_version: string | null; expired: boolean }>(
		`DELETE FROM conversation_pending WHERE district_id = $1 AND phone = $2 AND question = $3
     RETURNING question, language, notice_version, expires_at < now() AS expired`,
		[districtId, phone, q],
	);
	return r ? { question: r.question, language: r.language, noticeVersion: r.notice_version, expired: r.expired } : undefined;
}

export async function forgetQuestions(db: Queryable, districtId: number, phone: string): Promise<void> {
	await db.query('DELETE FROM conversation_pending WHERE district_id = $1 AND phone = $2', [districtId, phone]);
}

export interface CitizenRecord {
	id: number;
	name: string | null;
	language: 'hi' | 'en';
	policeStation: string | null;
	status: string;
	consentSource: string | null;
	consentAt: Date | null;
	createdAt: Date;
}

export async function citizenRecord(db: Queryable, districtId: number, phone: string): Promise<CitizenRecord | undefined> {
	const [r] = await db.query<{
		id: number;
		name: string | null;
		language: 'hi' | 'en';
		police_station: string | null;
		status: string;
		consent_source: string | null;
		consent_at: Date | null;
		created_at: Date;
	}>(
		`SELECT id, name, language, police_station, status, consent_source, consent_at, created_at
     FROM subscribers WHERE district_id = $1 AND phone = $2`,
		[districtId, phone],
	);
	if (!r) return undefined;
	return {
		id: Number(r.id),
		name: r.name,
		language: r.language === 'en' ? 'en' : 'hi',
		policeStation: r.police_station,
		status: r.status,
		consentSource: r.consent_source,
		consentAt: r.consent_at ? new Date(r.consent_at) : null,
		createdAt: new Date(r.created_at),
	};
}

/** The citizen's complaints, newest first (found by the hash of their number, as intake links them). */
export async function complaintsOf(
	db: Queryable,
	districtId: number,
	phone: string,
	limit = 5,
): Promise<{ ref: string; status: string; at: Date }[]> {
	const rows = await db.query<{ ref: string; status: string; created_at: Date }>(
		`SELECT ref, status, created_at FROM complaints WHERE district_id = $1 AND citizen_hash = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
		[districtId, citizenHash(phone), limit],
	);
	return rows.map((r) => ({ ref: r.ref, status: r.status, at: new Date(r.created_at) }));
}

export async function heldCounts(
	db: Queryable,
	districtId: number,
	phone: string,
): Promise<{ messages: number; attachments: number; complaints: number }> {
	const [r] = await db.query<{ messages: number; attachments: number; complaints: number }>(
		`SELECT (SELECT count(*)::int FROM inbound_messages WHERE district_id = $1 AND from_phone = $2) AS messages,
            (SELECT count(*)::int FROM inbound_attachments a JOIN inbound_messages m ON m.id = a.inbound_message_id
              WHERE m.district_id = $1 AND m.from_phone = $2 AND a.fetch_state <> 'erased') AS attachments,
            (SELECT count(*)::int FROM complaints WHERE district_id = $1 AND citizen_hash = $3) AS complaints`,
		[districtId, phone, citizenHash(phone)],
	);
	return r;
}

/** The district's police stations as its roster has them, most citizens first (for the join list). */
export async function rosterStations(db: Queryable, districtId: number, limit = 9): Promise<string[]> {
	const rows = await db.query<{ police_station: string }>(
		`SELECT police_station FROM subscribers WHERE district_id = $1 AND police_station IS NOT NULL AND status <> 'erased'
     GROUP BY police_station ORDER BY count(*) DESC, police_station LIMIT $2`,
		[districtId, limit],
	);
	return rows.map((r) => r.police_station);
}
