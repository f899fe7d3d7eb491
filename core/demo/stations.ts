/**
 * The police stations of Kabirdham district used by the demo data, with their Hindi names
 * (subscribers store the English name). `weight` is the share of the
 * district's citizens, in twentieths: Kawardha, the district town, is the largest.
 */
import { MitanError } from '../errors';
export interface DemoStation {
	name: string;
	nameHi: string;
	block: string;
	weight: number;
}

export const DEMO_STATIONS: readonly DemoStation[] = [
	{ name: 'Kawardha', nameHi: 'कवर्धा', block: 'Kawardha', weight: 5 },
	{ name: 'Pandariya', nameHi: 'पंडरिया', block: 'Pandariya', weight: 3 },
	{ name: 'Bodla', nameHi: 'बोड़ला', block: 'Bodla', weight: 3 },
	{ name: 'Sahaspur Lohara', nameHi: 'सहसपुर लोहारा', block: 'Sahaspur Lohara', weight: 2 },
	{ name: 'Pipariya', nameHi: 'पिपरिया', block: 'Kawardha', weight: 2 },
	{ name: 'Kukdur', nameHi: 'कुकदूर', block: 'Pandariya', weight: 2 },
	{ name: 'Chilphi', nameHi: 'चिल्फी', block: 'Bodla', weight: 1 },
	{ name: 'Rengakhar', nameHi: 'रेंगाखार', block: 'Bodla', weight: 2 },
];

/** One slot per twentieth: picking slot floor(u * 20) gives each station its weight. */
export function stationSlots(): DemoStation[] {
	const slots = DEMO_STATIONS.flatMap((s) => Array.from({ length: s.weight }, () => s));
	if (slots.length !== 20) throw new MitanError('DEMO_STATIONS_INVALID', `station weights must sum to 20, got ${slots.length}`);
	return slots;
}
