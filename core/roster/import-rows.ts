/**
 * A roster sheet's header and rows as checked roster rows: which column is which field, and for
 * each row either the row to write or the reason it is refused (with its column). No I/O here:
 * importRoster (import.ts) streams the sheet and writes; the district's station list comes in as
 * `stationOf` (core/districts.ts).
 */
import { MitanError } from '../errors';
import { normalisePhone } from '../phone';
import { fieldForHeader, looksLikeFormula, normaliseHeader, parseLanguage, parseTags, type RosterField } from './fields';
import type { RejectedRow } from './import';
import { isFormula, type SheetRecord } from './readers';
import type { UpsertRow } from './repository';

export interface Header {
	index: Partial<Record<RosterField, number>>;
	width: number;
	columns: Partial<Record<RosterField, string>>;
	ignored: string[];
}

export function readHeader(rec: SheetRecord, label: string, hasFileConsent: boolean): Header {
	const index: Partial<Record<RosterField, number>> = {};
	const columns: Partial<Record<RosterField, string>> = {};
	const ignored: string[] = [];
	const seen = new Map<string, number>();
	rec.cells.forEach((cell, i) => {
		const h = isFormula(cell) ? '' : String(cell).trim();
		if (h === '') return;
		const norm = normaliseHeader(h);
		const twin = seen.get(norm);
		if (twin !== undefined) {
			throw new MitanError(
				'IMPORT_DUPLICATE_HEADER',
				`${label}, line ${rec.line}: column ${i + 1} "${h}" repeats column ${twin + 1}; each header must appear once`,
				{ line: rec.line, column: h },
			);
		}
		seen.set(norm, i);
		const field = fieldForHeader(h);
		if (!field) return void ignored.push(h);
		if (index[field] !== undefined) {
			const other = columns[field];
			throw new MitanError(
				'IMPORT_DUPLICATE_HEADER',
				`${label}, line ${rec.line}: columns "${other}" and "${h}" both mean ${field}; keep one`,
				{ line: rec.line, column: h },
			);
		}
		index[field] = i;
		columns[field] = h;
	});
	if (index.phone === undefined) {
		const found = rec.cells
			.map((c) => (isFormula(c) ? '=' : String(c)))
			.filter(Boolean)
			.join('", "');
		throw new MitanError(
			'IMPORT_NO_PHONE_COLUMN',
			`${label}, line ${rec.line}: no phone column. Name one column "Mobile" / "Phone" / "मोबाइल नंबर" (found: "${found}")`,
			{ line: rec.line },
		);
	}
	if (index.consent_source === undefined && !hasFileConsent) {
		throw new MitanError(
			'IMPORT_NO_CONSENT',
			`${label}: no consent column and no file-wide consent source. Say where these citizens agreed (e.g. "camp Kawardha 2026-11-20")`,
			{ field: 'consentSource' },
		);
	}
	return { index, width: rec.cells.length, columns, ignored };
}

/** The district's spelling of a station, undefined when the district lists others (core/districts.ts). */
export type StationOf = (raw: string) => string | undefined;

export type RowOutcome = { row: UpsertRow } | { reject: Omit<RejectedRow, 'line'> };

export function readRow(rec: SheetRecord, h: Header, fileConsent: string | undefined, stationOf: StationOf): RowOutcome {
	const extra = rec.cells.slice(h.width).filter((c) => isFormula(c) || String(c).trim() !== '');
	if (extra.length > 0) {
		return {
			reject: {
				code: 'too_many_columns',
				reason: `${h.width + extra.length} cells but the header has ${h.width} columns (a comma inside a name? put it in quotes)`,
			},
		};
	}
	const get = (f: RosterField): string | undefined => {
		const i = h.index[f];
		if (i === undefined) return undefined;
		const c = rec.cells[i];
		return c === undefined ? undefined : isFormula(c) ? '\u0000formula' : String(c).trim();
	};
	for (const f of Object.keys(h.index) as RosterField[]) {
		const v = get(f);
		if (v === '\u0000formula')
			return { reject: { code: 'formula', column: h.columns[f], reason: `column "${h.columns[f]}" holds a formula; paste values only` } };
		// A leading + is how phone numbers are written; elsewhere = + - @ start a formula.
		if (v && f !== 'phone' && f !== 'consent_at' && looksLikeFormula(v)) {
			return {
				reject: {
					code: 'formula',
					column: h.columns[f],
					reason: `column "${h.columns[f]}" starts with ${JSON.stringify(v[0])}, which spreadsheets run as a formula`,
				},
			};
		}
		if (v && f === 'phone' && /^[=@]/.test(v))
			return { reject: { code: 'formula', column: h.columns[f], reason: `column "${h.columns[f]}" holds a formula, not a number` } };
	}
	const phone = normalisePhone(get('phone'));
	if (!phone.ok) return { reject: { code: `phone_${phone.reason}`, column: h.columns.phone, reason: phone.message } };
	const language = parseLanguage(get('language'));
	if (language === null)
		return {
			reject: {
				code: 'language',
				column: h.columns.language,
				reason: `language "${get('language')}" is not Hindi or English (write hi / en / हिंदी / English)`,
			},
		};
	const consentSource = get('consent_source') || fileConsent;
	if (!consentSource)
		return { reject: { code: 'no_consent', column: h.columns.consent_source, reason: 'no consent source for this number' } };
	let consentAt: string | null = null;
	const rawAt = get('consent_at');
	if (rawAt) {
		const d = new Date(rawAt);
		if (Number.isNaN(d.getTime()))
			return {
				reject: { code: 'consent_date', column: h.columns.consent_at, reason: `consent date "${rawAt}" is not a date (use YYYY-MM-DD)` },
			};
		consentAt = d.toISOString();
	}
	const text = (f: RosterField) => get(f) || null;
	const rawStation = text('police_station');
	const station = rawStation === null ? null : stationOf(rawStation);
	if (station === undefined)
		return {
			reject: {
				code: 'police_station',
				column: h.columns.police_station,
				reason: `police station "${rawStation!.slice(0, 40)}" is not one of the district's stations (mitan district list) / थाना जिले की सूची में नहीं है`,
			},
		};
	return {
		row: {
			phone: phone.e164,
			name: text('name'),
			language: language ?? null,
			police_station: station,
			block: text('block'),
			village: text('village'),
			tags: parseTags(get('tags')),
			consent_source: consentSource,
			consent_at: consentAt,
			consent_evidence: text('consent_evidence'),
			wa_id: null,
		},
	};
}
