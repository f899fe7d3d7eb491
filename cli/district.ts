import type { Db } from '../core/db';
import {
	createDistrict,
	defaultDistrictId,
	editDistrict,
	listDistricts,
	resolveDistrict,
	type DistrictPatch,
	type PoliceStation,
} from '../core/districts';
import { MitanError } from '../core/errors';
import type { Args } from './args';

/**
 * `mitan district list | add | edit`: the installation's districts. Every check is core's
 * (core/districts.ts); this file only turns flags into fields and prints.
 *
 *   mitan district add --code RPR --name Raipur --name-hi रायपुर [--timezone Asia/Kolkata]
 *                      [--phone-number-id 1234567890] [--stations "Civil Lines=सिविल लाइन्स, Telibandha"]
 *   mitan district edit RPR [--code …] [--name …] [--name-hi …] [--timezone …]
 *                      [--phone-number-id … | none] [--stations "…" | none]
 */
export const DISTRICT_USAGE = `usage: mitan district list
       mitan district add --code RPR --name Raipur --name-hi रायपुर [--timezone Asia/Kolkata] [--phone-number-id N] [--stations "A=अ, B"]
       mitan district edit <CODE> [--code X] [--name …] [--name-hi …] [--timezone …] [--phone-number-id N|none] [--stations "…"|none]`;

/** "Civil Lines=सिविल लाइन्स, Telibandha": English name, optionally = Hindi name, comma-separated. */
export function parseStations(raw: string): PoliceStation[] {
	if (raw.trim() === '' || raw.trim() === 'none') return [];
	return raw.split(',').map((part) => {
		const [name, nameHi] = part.split('=');
		return { name: (name ?? '').trim(), nameHi: nameHi?.trim() || null };
	});
}

/** A flag given with no value (`--name` at the end) is a mistake, not "leave it". */
function text(args: Args, name: string): string | undefined {
	const v = args.flags[name];
	if (v === true) throw new MitanError('CLI_USAGE', `--${name} needs a value\n${DISTRICT_USAGE}`, { field: name });
	return v;
}

function patchOf(args: Args): DistrictPatch {
	const p: DistrictPatch = {};
	const code = text(args, 'code');
	const name = text(args, 'name');
	const nameHi = text(args, 'name-hi');
	const tz = text(args, 'timezone');
	const phone = text(args, 'phone-number-id');
	const stations = text(args, 'stations');
	if (code !== undefined) p.code = code;
	if (name !== undefined) p.name = name;
	if (nameHi !== undefined) p.nameHi = nameHi;
	if (tz !== undefined) p.timezone = tz;
	if (phone !== undefined) p.waPhoneNumberId = phone === 'none' ? null : phone;
	if (stations !== undefined) p.policeStations = parseStations(stations);
	return p;
}

export async function districtCommand(
	db: Db,
	args: Args,
	out: (s: string) => void,
	actor = `cli:${process.env.USER ?? 'operator'}`,
): Promise<number> {
	const [sub = 'list', target] = args._;
	const by = { actor };
	if (sub === 'list') {
		const def = await defaultDistrictId(db).catch(() => undefined);
		for (const d of await listDistricts(db)) {
			out(
				`${d.code.padEnd(6)} ${d.name} / ${d.nameHi}  ${d.timezone}  number ${d.waPhoneNumberId ?? '(none)'}${d.id === def ? '  (default)' : ''}`,
			);
			if (d.policeStations.length)
				out(`       police stations: ${d.policeStations.map((s) => (s.nameHi ? `${s.name} (${s.nameHi})` : s.name)).join(', ')}`);
		}
		return 0;
	}
	if (sub === 'add') {
		const p = patchOf(args);
		const d = await createDistrict(db, { code: p.code ?? '', name: p.name ?? '', nameHi: p.nameHi ?? '', ...p }, by);
		out(`added district ${d.code} (${d.name} / ${d.nameHi}), id ${d.id}, ${d.policeStations.length} police stations`);
		return 0;
	}
	if (sub === 'edit') {
		if (!target)
			throw new MitanError('CLI_USAGE', `district edit: which district? give its code\n${DISTRICT_USAGE}`, { field: 'district' });
		const p = patchOf(args);
		if (Object.keys(p).length === 0) throw new MitanError('CLI_USAGE', `district edit: nothing to change\n${DISTRICT_USAGE}`);
		const d = await editDistrict(db, { code: (await resolveDistrict(db, target)).code }, p, by);
		out(`updated district ${d.code} (${d.name} / ${d.nameHi}), ${d.policeStations.length} police stations`);
		return 0;
	}
	throw new MitanError('CLI_USAGE', `district: "${sub}" is not a sub-command (list, add, edit)\n${DISTRICT_USAGE}`, { field: 'command' });
}

/** `--district CODE` of a command working for one district: its id; absent, undefined (core uses MITAN_DISTRICT). */
export async function districtFlag(db: Db, args: Args): Promise<number | undefined> {
	const code = text(args, 'district');
	return code === undefined ? undefined : (await resolveDistrict(db, code, '--district')).id;
}
