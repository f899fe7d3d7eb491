/**
 * Who asked, as the audit log keeps it after an erasure: a citizen's own request is logged as
 * "citizen:erased" (the erasure rewrites every earlier "citizen:<masked number>" the same way, so
 * the entries written after it must not bring the masked number back); staff stay named.
 */
export function erasureActor(actor: string): string {
	return actor.startsWith('citizen:') ? 'citizen:erased' : actor;
}
