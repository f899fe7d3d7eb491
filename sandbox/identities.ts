/**
 * Usernames and business-scoped user ids (BSUID), as Meta has them since April 2026:
 * - every citizen has a BSUID for this business portfolio (IN.<digits>, stable, derived here from
 *   the portfolio and the number, so a test can compute it), and webhooks carry it;
 * - a configurable share of citizens has adopted a username (chosen by a hash of the number, so it
 *   is stable across runs, plus named numbers);
 * - a citizen with a username arrives without their number (no `wa_id` / `from`, statuses without
 *   `recipient_id`) unless the business has the pair in its Meta contact book (any message
 *   exchanged since the sandbox started) or the citizen wrote within the last 30 days;
 * - `recipient` (a BSUID) addresses a send; the sandbox finds the citizen behind it.
 */
import { createHash } from 'crypto';
import type { SandboxState } from './state';

const DAY_MS = 86_400_000;

function digest(state: SandboxState, waId: string, salt: string): Buffer {
	return createHash('sha256').update(`${state.config.whatsapp.wabaId}|${salt}|${waId}`).digest();
}

/** The portfolio's key: the same number has another BSUID in another portfolio (another wabaId). */
function key(state: SandboxState): bigint {
	return createHash('sha256').update(state.config.whatsapp.wabaId).digest().readBigUInt64BE(0) & ((1n << 50n) - 1n);
}
const BASE = 2_000_000_000_000_000n;

/**
 * The citizen's BSUID for this portfolio: IN. and 16 digits, computed from the number (no table
 * to grow with the population), unless Meta changed it at run time (user_changed_user_id).
 */
export function userIdOf(state: SandboxState, waId: string): string {
	const changed = state.identities.changedUserId.get(waId);
	if (changed) return changed;
	return `${waId.startsWith('91') ? 'IN' : 'ZZ'}.${(BASE + (BigInt(waId) ^ key(state))).toString()}`;
}

/** The number behind a BSUID this sandbox issued, or undefined (unknown, or replaced by a newer one). */
export function waIdOfUserId(state: SandboxState, userId: string): string | undefined {
	const changed = state.identities.waIdByChangedUserId.get(userId);
	if (changed) return changed;
	const m = /^[A-Z]{2}\.(\d{16})$/.exec(userId);
	if (!m || BigInt(m[1]) < BASE) return undefined;
	const waId = ((BigInt(m[1]) - BASE) ^ key(state)).toString();
	if (waId.length < 8 || waId.length > 15 || userIdOf(state, waId) !== userId) return undefined;
	return waId;
}

/** Meta issues a new BSUID (user_changed_user_id): the old one stops working. Returns [old, new]. */
export function changeUserId(state: SandboxState, waId: string): [string, string] {
	const previous = userIdOf(state, waId);
	const n = state.identities.changedUserId.size + 1;
	const next = `${previous.slice(0, 3)}${(BASE * 4n + BigInt(n) * 1_000_003n + (BigInt(waId) % 1_000_000n)).toString()}`;
	state.identities.waIdByChangedUserId.delete(previous);
	state.identities.changedUserId.set(waId, next);
	state.identities.waIdByChangedUserId.set(next, waId);
	return [previous, next];
}

export function hasUsername(state: SandboxState, waId: string): boolean {
	const u = state.config.whatsapp.usernames;
	if (state.identities.adopted.has(waId)) return true;
	if (u.numbers.some((n) => n.replace(/\D/g, '') === waId)) return true;
	// The first 4 bytes of a hash as a fraction: the same numbers have usernames in every run.
	return digest(state, waId, 'username').readUInt32BE(0) / 0x1_0000_0000 < u.share;
}

export function usernameOf(state: SandboxState, waId: string): string | undefined {
	return hasUsername(state, waId) ? `citizen.${digest(state, waId, 'name').toString('hex').slice(0, 8)}` : undefined;
}

/**
 * Whether Meta shows this citizen's number in a webhook now. `priorInboundMs`: the citizen's
 * last message before the one being delivered (a message does not reveal its own sender).
 */
export function phoneShown(state: SandboxState, waId: string, nowMs: number, priorInboundMs?: number): boolean {
	if (!hasUsername(state, waId)) return true;
	if (state.identities.withheld.has(waId)) return false;
	const u = state.config.whatsapp.usernames;
	if (u.contactBook && state.identities.contactBook.has(waId)) return true;
	return priorInboundMs !== undefined && nowMs - priorInboundMs < u.phoneVisibleDays * DAY_MS;
}

/** A message exchanged: Meta's contact book keeps the phone ↔ BSUID pair (unless a test withholds it). */
export function recordContact(state: SandboxState, waId: string): void {
	// Only citizens with a username need remembering: the others' number is always shown.
	if (hasUsername(state, waId)) state.identities.contactBook.add(waId);
}

/** Per-state identity memory (only the exceptions: usernames adopted, ids changed, contacts); cleared by reset. */
export class IdentityMemory {
	changedUserId = new Map<string, string>();
	waIdByChangedUserId = new Map<string, string>();
	/** Numbers that adopted a username at run time (inject with identity "bsuid"). */
	adopted = new Set<string>();
	/** Numbers whose phone Meta withholds whatever the contact book says (inject identity "bsuid"). */
	withheld = new Set<string>();
	contactBook = new Set<string>();
}
