import { audit } from './audit';
import { resolveConfig, type MitanConfig } from './config';
import { looksLikeFormula } from './csv';
import type { Db, Queryable } from './db';
import { isMitanError, MitanError } from './errors';
import { isTimeZone } from './time';

/**
 * Districts: the one owner of what a district is (code, names, time zone, WhatsApp number,
 * police stations), of checking them, and of which district a caller means when it names none
 * (MITAN_DISTRICT). Everything else takes a district id from here.
 */

/**
 * A district's time zone (`districts.timezone`): the zone its calendar days, deadlines and
 * reports are read in. `fallback` (by default the installation's, MITAN_TIMEZONE) answers for
 * "all districts" (null) and for an id with no row.
 */
export async function districtTimeZone(
	db: Queryable,
	districtId: number | null | undefined,
	fallback: string = resolveConfig().timezone,
): Promise<string> {
	if (districtId === null || districtId === undefined) return fallback;
	const [r] = await db.query<{ timezone: string }>('SELECT timezone FROM districts WHERE id = $1', [districtId]);
	return r?.timezone ?? fallback;
}

export interface PoliceStation {
	/** The name rows are stored under (English / Latin script, as the roster writes it). */
	name: string;
	nameHi: string | null;
}

export interface District {
	id: number;
	/** In every complaint reference: RPR-2026-000123. */
	code: string;
	name: string;
	nameHi: string;
	timezone: string;
	/** Meta's id of the district's WhatsApp number; the gateway routes webhooks by it. */
	waPhoneNumberId: string | null;
	policeStations: PoliceStation[];
}

export interface DistrictInput {
	code: string;
	name: string;
	nameHi: string;
	timezone?: string;
	waPhoneNumberId?: string | null;
	policeStations?: PoliceStation[];
}

export type DistrictPatch = Partial<DistrictInput>;

export interface DistrictActor {
	actor: string;
	ip?: string | null;
}

const CODE_RE = /^[A-Z]{2,6}$/;
// Meta's phone-number ids are decimal object ids (15-17 digits today).
const PHONE_NUMBER_ID_RE = /^\d{5,25}$/;
const DEVANAGARI_RE = /[\u0900-\u097F]/;
const MAX_NAME = 80;
const MAX_STATIONS = 200;

const bad = (field: string, message: string) => new MitanError('DISTRICT_INVALID', `${field}: ${message}`, { field });

function checkName(field: string, v: unknown, hindi: boolean): string {
	const t = typeof v === 'string' ? v.trim() : '';
	if (t === '')
		throw bad(field, hindi ? 'the Hindi name is required / हिंदी नाम आवश्यक है' : 'the English name is required / अंग्रेज़ी नाम आवश्यक है');
	if (t.length > MAX_NAME) throw bad(field, `at most ${MAX_NAME} characters, got ${t.length}`);
	// Names land in CSV exports and the printed report.
	if (looksLikeFormula(t)) throw bad(field, `"${t.slice(0, 40)}" starts with ${JSON.stringify(t[0])}, which spreadsheets run as a formula`);
	if (hindi && !DEVANAGARI_RE.test(t))
		throw bad(field, `"${t.slice(0, 40)}" has no Devanagari letters: write the Hindi name / नाम हिंदी में लिखें`);
	return t;
}

function checkCode(v: unknown): string {
	const t = typeof v === 'string' ? v.trim() : '';
	if (!CODE_RE.test(t))
		throw bad(
			'code',
			`"${String(v ?? '').slice(0, 20)}" is not 2-6 capital letters A-Z (it starts every complaint reference, e.g. RPR-2026-000123)`,
		);
	return t;
}

async function checkTimeZone(db: Queryable, v: unknown): Promise<string> {
	const t = typeof v === 'string' ? v.trim() : '';
	// Both clocks read it: Node for the district's day, PostgreSQL in the rollup triggers.
	if (!isTimeZone(t) || (await db.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [t])).length === 0)
		throw bad('timezone', `"${String(v ?? '').slice(0, 40)}" is not an IANA time zone (e.g. Asia/Kolkata)`);
	return t;
}

function checkPhoneNumberId(v: unknown): string | null {
	if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return null;
	const t = String(v).trim();
	if (!PHONE_NUMBER_ID_RE.test(t))
		throw bad('waPhoneNumberId', `"${t.slice(0, 30)}" is not a WhatsApp phone number id (digits, from Meta's WhatsApp Manager)`);
	return t;
}

function checkStations(v: unknown): PoliceStation[] {
	if (!Array.isArray(v)) throw bad('policeStations', 'give a list of stations');
	if (v.length > MAX_STATIONS) throw bad('policeStations', `at most ${MAX_STATIONS} stations, got ${v.length}`);
	const seen = new Map<string, number>();
	return v.map((s: unknown, i) => {
		const o = (typeof s === 'string' ? { name: s } : (s ?? {})) as { name?: unknown; nameHi?: unknown };
		const name = checkName(`policeStations[${i}].name`, o.name, false);
		const hi = typeof o.nameHi === 'string' && o.nameHi.trim() !== '' ? checkName(`policeStations[${i}].nameHi`, o.nameHi, true) : null;
		const key = name.toLowerCase();
		const first = seen.get(key);
		if (first !== undefined) throw bad(`policeStations[${i}].name`, `"${name}" is listed twice (also at ${first})`);
		seen.set(key, i);
		return { name, nameHi: hi };
	});
}

type DistrictRow = { id: number; code: string; name: string; name_hi: string; timezone: string; wa_phone_number_id: string | null };

async function withStations(db: Queryable, rows: DistrictRow[]): Promise<District[]> {
	if (rows.length === 0) return [];
	const st = await db.query<{ district_id: number; name: string; name_hi: string | null }>(
		'SELECT district_id, name, name_hi FROM police_stations WHERE district_id = ANY($1::int[]) ORDER BY lower(name)',
		[rows.map((r) => r.id)],
	);
	return rows.map((r) => ({
		id: r.id,
		code: r.code,
		name: r.name,
		nameHi: r.name_hi,
		timezone: r.timezone,
		waPhoneNumberId: r.wa_phone_number_id,
		policeStations: st.filter((s) => s.district_id === r.id).map((s) => ({ name: s.name, nameHi: s.name_hi })),
	}));
}

const COLS = 'id, code, name, name_hi, timezone, wa_phone_number_id';

export async function listDistricts(db: Queryable): Promise<District[]> {
	return withStations(db, await db.query<DistrictRow>(`SELECT ${COLS} FROM districts ORDER BY id`));
}

/** One district by its id, its code, or the WhatsApp number that serves it. */
export async function findDistrict(
	db: Queryable,
	by: { id: number } | { code: string } | { phoneNumberId: string },
): Promise<District | undefined> {
	const [col, v] = 'id' in by ? ['id', by.id] : 'code' in by ? ['code', by.code] : ['wa_phone_number_id', by.phoneNumberId];
	const [d] = await withStations(db, await db.query<DistrictRow>(`SELECT ${COLS} FROM districts WHERE ${col} = $1`, [v]));
	return d;
}

/**
 * The district a caller means: its code when it gives one (a credential's district, a CLI
 * --district, MITAN_DISTRICT), else the installation's first district (the one migration 001
 * creates and `mitan district edit` renames). `field` names where the code came from.
 */
export async function resolveDistrict(db: Queryable, code?: string | null, field = 'district'): Promise<District> {
	const c = typeof code === 'string' ? code.trim() : '';
	if (c !== '') {
		const d = await findDistrict(db, { code: c });
		if (!d) {
			const known = (await db.query<{ code: string }>('SELECT code FROM districts ORDER BY code')).map((r) => r.code);
			throw new MitanError(
				'DISTRICT_NOT_FOUND',
				`${field}: no district with code "${c.slice(0, 20)}" (known: ${known.join(', ') || 'none'})`,
				{
					field,
				},
			);
		}
		return d;
	}
	const [first] = await withStations(db, await db.query<DistrictRow>(`SELECT ${COLS} FROM districts ORDER BY id LIMIT 1`));
	if (!first)
		throw new MitanError('DISTRICT_NOT_FOUND', `${field}: there is no district yet: add one with \`mitan district add\``, { field });
	return first;
}

/** The installation's default district (MITAN_DISTRICT): what every service uses when given no district. */
export async function defaultDistrictId(db: Queryable, config: Pick<MitanConfig, 'defaultDistrict'> = resolveConfig()): Promise<number> {
	return (await resolveDistrict(db, config.defaultDistrict, 'MITAN_DISTRICT')).id;
}

/** A unique index refused the row: which field, named from the index (never from the message text). */
function duplicateField(e: unknown): string | undefined {
	const x = e as { code?: string; constraint_name?: string; constraint?: string };
	if (x?.code !== '23505') return undefined;
	const c = x.constraint_name ?? x.constraint ?? '';
	return c.includes('phone_number') ? 'waPhoneNumberId' : c.includes('code') ? 'code' : 'code';
}

async function refuseTaken(db: Queryable, field: 'code' | 'waPhoneNumberId', value: string | null, selfId: number | null): Promise<void> {
	if (value === null) return;
	const col = field === 'code' ? 'code' : 'wa_phone_number_id';
	const [r] = await db.query<{ code: string }>(`SELECT code FROM districts WHERE ${col} = $1 AND id IS DISTINCT FROM $2`, [value, selfId]);
	if (r) throw new MitanError('DISTRICT_EXISTS', `${field}: "${value}" already belongs to district ${r.code}`, { field });
}

async function saveStations(tx: Queryable, districtId: number, stations: PoliceStation[]): Promise<void> {
	await tx.query('DELETE FROM police_stations WHERE district_id = $1', [districtId]);
	if (stations.length === 0) return;
	await tx.query(
		`INSERT INTO police_stations (district_id, name, name_hi)
     SELECT $1, s.name, s."nameHi" FROM jsonb_to_recordset($2::jsonb) AS s(name text, "nameHi" text)`,
		[districtId, JSON.stringify(stations)],
	);
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (e) {
		const field = isMitanError(e) ? undefined : duplicateField(e);
		if (field) throw new MitanError('DISTRICT_EXISTS', `${field}: another district took it at the same moment`, { field });
		throw e;
	}
}

/** Adds a district; every field is checked before anything is written, and all of it is written or none. */
export async function createDistrict(db: Db, input: DistrictInput, by: DistrictActor): Promise<District> {
	const code = checkCode(input?.code);
	const name = checkName('name', input.name, false);
	const nameHi = checkName('nameHi', input.nameHi, true);
	const timezone = await checkTimeZone(db, input.timezone ?? resolveConfig().timezone);
	const phoneId = checkPhoneNumberId(input.waPhoneNumberId);
	const stations = checkStations(input.policeStations ?? []);
	const id = await guarded(() =>
		db.transaction(async (tx) => {
			await refuseTaken(tx, 'code', code, null);
			await refuseTaken(tx, 'waPhoneNumberId', phoneId, null);
			const [r] = await tx.query<{ id: number }>(
				'INSERT INTO districts (code, name, name_hi, timezone, wa_phone_number_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
				[code, name, nameHi, timezone, phoneId],
			);
			await saveStations(tx, r.id, stations);
			await audit(tx, {
				districtId: r.id,
				actor: by.actor,
				ip: by.ip,
				action: 'district.create',
				entity: 'district',
				entityId: r.id,
				details: { code, name, timezone, waPhoneNumberId: phoneId, policeStations: stations.length },
			});
			return r.id;
		}),
	);
	return (await findDistrict(db, { id }))!;
}

/**
 * Changes what the patch names (`policeStations` replaces the list). The code cannot change
 * once the district has issued a complaint reference: citizens hold those numbers.
 */
export async function editDistrict(
	db: Db,
	which: { id: number } | { code: string },
	patch: DistrictPatch,
	by: DistrictActor,
): Promise<District> {
	const before = await findDistrict(db, which);
	if (!before)
		throw new MitanError('DISTRICT_NOT_FOUND', `no district ${'id' in which ? `with id ${which.id}` : `"${which.code}"`}`, {
			field: 'district',
		});
	const next = {
		code: patch.code !== undefined ? checkCode(patch.code) : before.code,
		name: patch.name !== undefined ? checkName('name', patch.name, false) : before.name,
		nameHi: patch.nameHi !== undefined ? checkName('nameHi', patch.nameHi, true) : before.nameHi,
		timezone: patch.timezone !== undefined ? await checkTimeZone(db, patch.timezone) : before.timezone,
		waPhoneNumberId: patch.waPhoneNumberId !== undefined ? checkPhoneNumberId(patch.waPhoneNumberId) : before.waPhoneNumberId,
	};
	const stations = patch.policeStations !== undefined ? checkStations(patch.policeStations) : undefined;
	const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== before[k]);
	if (stations) changed.push('policeStations' as never);
	await guarded(() =>
		db.transaction(async (tx) => {
			if (next.code !== before.code) {
				await refuseTaken(tx, 'code', next.code, before.id);
				const [issued] = await tx.query('SELECT 1 FROM complaints WHERE district_id = $1 LIMIT 1', [before.id]);
				if (issued)
					throw new MitanError(
						'DISTRICT_CODE_IN_USE',
						`code: district ${before.code} has issued complaint references (${before.code}-…); citizens hold them, so its code stays`,
						{ field: 'code' },
					);
			}
			await refuseTaken(tx, 'waPhoneNumberId', next.waPhoneNumberId, before.id);
			await tx.query(
				`UPDATE districts SET code = $2, name = $3, name_hi = $4, timezone = $5, wa_phone_number_id = $6, updated_at = now() WHERE id = $1`,
				[before.id, next.code, next.name, next.nameHi, next.timezone, next.waPhoneNumberId],
			);
			if (stations) await saveStations(tx, before.id, stations);
			await audit(tx, {
				districtId: before.id,
				actor: by.actor,
				ip: by.ip,
				action: 'district.edit',
				entity: 'district',
				entityId: before.id,
				details: { changed, code: next.code, ...(stations ? { policeStations: stations.length } : {}) },
			});
		}),
	);
	return (await findDistrict(db, { id: before.id }))!;
}

/**
 * The station a roster row or complaint names, as the district lists it (its stored spelling,
 * matched without case, or by its Hindi name). A district with no list accepts any name: the
 * list is how a district asks for the check.
 */
export async function policeStationChecker(db: Queryable, districtId: number): Promise<(raw: string) => string | undefined> {
	const rows = await db.query<{ name: string; name_hi: string | null }>(
		'SELECT name, name_hi FROM police_stations WHERE district_id = $1',
		[districtId],
	);
	if (rows.length === 0) return (raw) => raw;
	const byKey = new Map<string, string>();
	for (const r of rows) {
		byKey.set(r.name.toLowerCase(), r.name);
		if (r.name_hi) byKey.set(r.name_hi.trim(), r.name);
	}
	return (raw) => byKey.get(raw.trim().toLowerCase()) ?? byKey.get(raw.trim());
}

/** As policeStationChecker, for one name: its listed spelling, or POLICE_STATION_UNKNOWN naming `field`. */
export async function checkPoliceStation(db: Queryable, districtId: number, raw: string, field = 'policeStation'): Promise<string> {
	const found = (await policeStationChecker(db, districtId))(raw);
	if (found === undefined) throw unknownStation(field, raw);
	return found;
}

export function unknownStation(field: string, raw: string): MitanError {
	return new MitanError(
		'POLICE_STATION_UNKNOWN',
		`${field}: "${raw.slice(0, 40)}" is not one of this district's police stations (see \`mitan district list\`) / यह थाना जिले की सूची में नहीं है`,
		{ field },
	);
}

/**
 * For a service built with an optional district: the given id, else the installation's default,
 * looked up once per service on first use.
 */
export function districtOrDefault(db: Queryable, given: number | undefined): (q?: Queryable) => Promise<number> {
	let p: Promise<number> | undefined = given === undefined ? undefined : Promise.resolve(given);
	// Inside a transaction pass it as `q`: on the embedded engine (one connection) a query on the
	// pool would wait for the transaction that waits for it.
	return (q) => {
		p ??= defaultDistrictId(q ?? db).catch((e: unknown) => {
			p = undefined; // a district added after the failure is found on the next call
			throw e;
		});
		return p;
	};
}
