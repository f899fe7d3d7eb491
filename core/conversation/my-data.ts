import type { Queryable } from '../db';
import { maskPhone } from '../phone';
import type { Lang, Outgoing } from './messages';
import { citizenRecord, complaintsOf, heldCounts } from './repository';

/**
 * MY DATA / मेरा डेटा: what is held about the citizen, in their language. The number is masked
 * (whoever holds the phone already knows it; a forwarded screenshot should not carry it); the
 * complaints are named by reference and status only, never by their text.
 */
export async function myData(db: Queryable, districtId: number, phone: string, lang: Lang): Promise<Outgoing> {
	const [rec, counts, complaints] = await Promise.all([
		citizenRecord(db, districtId, phone),
		heldCounts(db, districtId, phone),
		complaintsOf(db, districtId, phone, 10),
	]);
	const en = lang === 'en';
	const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : en ? 'not recorded' : 'दर्ज नहीं');
	const status: Record<string, [string, string]> = {
		active: ['संदेश मिलते हैं', 'receiving messages'],
		opted_out: ['संदेश बंद (STOP)', 'messages stopped (STOP)'],
		invalid: ['नंबर पर संदेश नहीं पहुँचते', 'messages do not reach this number'],
	};
	const lines: string[] = [en ? 'What Police Mitan holds about you:' : 'पुलिस मितान के पास आपके बारे में:'];
	lines.push(`${en ? 'Number' : 'नंबर'}: ${maskPhone(phone)}`);
	if (rec && rec.status !== 'erased') {
		lines.push(`${en ? 'Name' : 'नाम'}: ${rec.name ?? (en ? 'none' : 'नहीं')}`);
		lines.push(`${en ? 'Language' : 'भाषा'}: ${rec.language === 'en' ? 'English' : 'हिन्दी'}`);
		lines.push(`${en ? 'Police station' : 'थाना'}: ${rec.policeStation ?? (en ? 'none' : 'नहीं')}`);
		lines.push(`${en ? 'Status' : 'स्थिति'}: ${(status[rec.status] ?? [rec.status, rec.status])[en ? 1 : 0]}`);
		lines.push(`${en ? 'Consent' : 'सहमति'}: ${day(rec.consentAt)} (${rec.consentSource ?? '—'})`);
	} else lines.push(en ? 'You are not on the daily message list.' : 'आप दैनिक संदेश सूची में नहीं हैं।');
	lines.push(
		`${en ? 'Your messages kept' : 'आपके रखे गए संदेश'}: ${counts.messages}; ${en ? 'voice notes / files' : 'वॉइस नोट / फ़ाइलें'}: ${counts.attachments}`,
	);
	lines.push(
		`${en ? 'Complaints' : 'शिकायतें'}: ${counts.complaints}${complaints.length ? ' (' + complaints.map((c) => `${c.ref} ${c.status}`).join(', ') + ')' : ''}`,
	);
	lines.push(en ? 'To have all of it erased, send DELETE MY DATA.' : 'सब हटवाने के लिए "मेरा डेटा हटाएँ" भेजें।');
	return { kind: 'text', text: lines.join('\n') };
}
