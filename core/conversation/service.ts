import { audit } from '../audit';
import type { Db, Queryable } from '../db';
import { e164FromWaId, maskPhone } from '../phone';
import { applyRosterChange } from '../roster/effects';
import * as roster from '../roster/repository';
import { toUpsertRow } from '../roster/service';
import type { ClassifiedMessage } from './classify';
import { isSuppressedNumber, liftOnOwnConsent } from './erasure';
import * as say from './messages';
import type { Lang, Outgoing } from './messages';
import { myData } from './my-data';
import { askQuestion, citizenRecord, complaintsOf, rosterStations, takeQuestion, type CitizenRecord, type Question } from './repository';

/**
 * The gateway's side of the conversation: what a message that is not a complaint does, inside the
 * webhook's transaction, and what is sent back after the commit. Answers are free-form (the
 * citizen just wrote, so the 24-hour window is open); they are actions, sent by the gateway once
 * the message is durable, never before.
 */
export type ConversationAction =
	| { kind: 'send'; to: string; phoneNumberId: string; districtId: number; message: Outgoing; purpose: string }
	/** DELETE MY DATA confirmed: erase (core/conversation/erasure.ts), then tell the citizen. */
	| { kind: 'erase'; to: string; phoneNumberId: string; districtId: number; language: Lang }
	/** Media to fetch through the Graph media endpoint (core/conversation/attachments.ts). */
	| { kind: 'fetch_media'; phoneNumberId: string; districtId: number; attachmentIds: number[] };

export interface ConversationMessage {
	districtId: number;
	wamid: string;
	phoneNumberId: string;
	type: string;
	sentAt: string | null;
	/** The WhatsApp id (digits) the message came from; null when Meta withheld the number (BSUID only). */
	from: string | null;
}

const ROW_ID_STATION = 'station:';

/** For each kind the gateway answers itself; `phone` is the E.164 (or +digits) the message came from. */
export async function converse(
	db: Db,
	tx: Queryable,
	m: ConversationMessage,
	c: ClassifiedMessage,
	phone: string,
): Promise<ConversationAction[]> {
	const record = await citizenRecord(tx, m.districtId, phone);
	const onList = record !== undefined && record.status !== 'erased';
	let lang: Lang = onList ? record.language : (c.language ?? 'hi');
	const send = (message: Outgoing, purpose: string): ConversationAction[] => [
		{ kind: 'send', to: phone, phoneNumberId: m.phoneNumberId, districtId: m.districtId, message, purpose },
	];
	switch (c.kind) {
		case 'greeting':
			return send(say.menu(lang, onList && record.status === 'active'), 'menu');
		case 'join':
			return startJoin(tx, m, phone, record, lang, send);
		case 'my_data':
			return send(await myData(tx, m.districtId, phone, lang), 'my_data');
		case 'delete_my_data':
			await askQuestion(tx, m.districtId, phone, 'delete_confirm', lang);
			return send(say.deleteConfirm(lang), 'delete_confirm');
		case 'menu_reply':
			switch (c.replyId) {
				case 'menu.fraud':
					return send(say.describeProblem(lang, true), 'describe_problem');
				case 'menu.other':
					return send(say.describeProblem(lang, false), 'describe_problem');
				case 'menu.status':
					return send(say.complaintStatus(lang, await complaintsOf(tx, m.districtId, phone)), 'complaint_status');
				case 'menu.language':
					return send(say.chooseLanguage(), 'choose_language');
				case 'menu.join':
					return startJoin(tx, m, phone, record, lang, send);
				case 'menu.my_data':
					return send(await myData(tx, m.districtId, phone, lang), 'my_data');
				default:
					return send(say.menu(lang, onList && record.status === 'active'), 'menu');
			}
		case 'button_reply':
			break;
		default:
			// staff, reaction, acknowledgement, unsupported: recorded with the message, not answered.
			return [];
	}
	const id = c.replyId ?? '';
	if (id === 'lang.hi' || id === 'lang.en') {
		lang = id === 'lang.en' ? 'en' : 'hi';
		if (onList) await roster.upsertBatch(tx, m.districtId, [toUpsertRow({ phone, language: lang })]);
		return send(say.languageSet(lang), 'language_set');
	}
	const wanted: Question = id.startsWith(ROW_ID_STATION) ? 'join_station' : id.startsWith('join.') ? 'join_confirm' : 'delete_confirm';
	const q = await takeQuestion(tx, m.districtId, phone, wanted);
	if (!q || q.expired) return send(say.questionExpired(lang), 'question_expired');
	lang = q.language;
	switch (id) {
		case 'join.no':
			return send(say.joinDeclined(lang), 'join_declined');
		case 'join.yes': {
			await subscribe(db, tx, m, phone, record, lang, q.noticeVersion ?? say.JOIN_NOTICE_VERSION);
			await askQuestion(tx, m.districtId, phone, 'join_station', lang);
			return send(say.stationList(lang, await rosterStations(tx, m.districtId)), 'station_list');
		}
		case 'delete.no':
			return send(say.deleteKept(lang), 'delete_kept');
		case 'delete.yes':
			return [{ kind: 'erase', to: phone, phoneNumberId: m.phoneNumberId, districtId: m.districtId, language: lang }];
		default: {
			const station = id.slice(ROW_ID_STATION.length).trim() || null;
			if (station) await roster.upsertBatch(tx, m.districtId, [toUpsertRow({ phone, policeStation: station })]);
			return send(say.stationSet(lang, station), 'station_set');
		}
	}
}

async function startJoin(
	tx: Queryable,
	m: ConversationMessage,
	phone: string,
	record: CitizenRecord | undefined,
	lang: Lang,
	send: (o: Outgoing, purpose: string) => ConversationAction[],
): Promise<ConversationAction[]> {
	if (record && record.status === 'active') return send(say.alreadyJoined(record.language), 'already_joined');
	// The roster holds Indian mobiles only (core/phone.ts): anyone else is told, not asked to agree.
	// (A citizen known only by a BSUID registers through the workflow, core/identity.ts.)
	if (!m.from || !e164FromWaId(m.from)) return send(say.joinNotPossible(lang), 'join_not_possible');
	await askQuestion(tx, m.districtId, phone, 'join_confirm', lang, say.JOIN_NOTICE_VERSION);
	return send(say.joinConfirm(lang), 'join_confirm');
}

/**
 * "Yes" to the notice: on the roster with consent evidence = the citizen's own message (its wamid
 * and time), the notice version and the language. A citizen who had said STOP is opted back in
 * through the roster's own rules instead (their first consent stays on record).
 */
async function subscribe(
	db: Db,
	tx: Queryable,
	m: ConversationMessage,
	phone: string,
	record: CitizenRecord | undefined,
	lang: Lang,
	notice: string,
): Promise<void> {
	const at = m.sentAt ?? new Date().toISOString();
	const evidence = `whatsapp message ${m.wamid} at ${at}: "yes" to notice ${notice} (${lang})`;
	if (record && record.status !== 'erased') {
		await applyRosterChange(db, tx, { districtId: m.districtId, subscriberId: record.id, phone }, 'opt_in', {
			kind: 'keyword',
			keyword: 'start',
			citizenPhone: phone,
			messageType: `${m.type} join`,
		});
		return;
	}
	// Erased before: this "yes" is their own new consent, which lifts the suppression (core/erasure).
	const afterErasure =
		(await isSuppressedNumber(tx, m.districtId, phone)) && (await liftOnOwnConsent(tx, m.districtId, phone, evidence, new Date(at)));
	const row = toUpsertRow({
		phone,
		language: lang,
		consentSource: 'whatsapp:join',
		consentAt: at,
		consentEvidence: evidence,
		waId: m.from,
	});
	row.consent_notice_version = notice;
	await roster.upsertBatch(tx, m.districtId, [row]);
	const sub = await roster.findByPhone(tx, m.districtId, phone);
	if (!sub) return;
	// The consent's time is the citizen's own message's (migration 131: 'message'), not a file's.
	await tx.query(`UPDATE subscribers SET consent_at_source = 'message' WHERE id = $1`, [sub.id]);
	// The conversation that led here is the citizen's: linked, it is erased with them.
	await tx.query('UPDATE inbound_messages SET subscriber_id = $1 WHERE district_id = $2 AND from_phone = $3 AND subscriber_id IS NULL', [
		sub.id,
		m.districtId,
		phone,
	]);
	await audit(tx, {
		districtId: m.districtId,
		actor: `citizen:${maskPhone(phone)}`,
		action: 'subscriber.inserted',
		entity: 'subscriber',
		entityId: sub.id,
		details: { phone: maskPhone(phone), source: 'whatsapp join', notice, language: lang, wamid: m.wamid, afterErasure },
	});
}
