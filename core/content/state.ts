import { MitanError } from '../errors';
import type { ContentState } from './types';

/**
 * The content life cycle, in one place. Every state change in the project goes through
 * `assertTransition` (and the SQL that writes it checks the old state too), so "approve one text,
 * publish another" cannot happen by a path nobody thought of.
 *
 *   draft ──submit──▶ pending ──decide──▶ approved ──publish──▶ published
 *     ▲                 │  │                 │
 *     │                 │  └──▶ rejected ────┤ (edit: back to draft, the approval is void)
 *     │                 └────▶ changes_requested
 *     └──────────── edit / expiry / void ────┘
 */
export type ContentEvent = 'submit' | 'approve' | 'reject' | 'request_changes' | 'expire' | 'edit' | 'publish' | 'resubmit';

const TRANSITIONS: Record<ContentEvent, { from: ContentState[]; to: ContentState }> = {
	submit: { from: ['draft'], to: 'pending' },
	// A new request for content already pending (a new execution) supersedes the open one.
	resubmit: { from: ['pending'], to: 'pending' },
	approve: { from: ['pending'], to: 'approved' },
	reject: { from: ['pending'], to: 'rejected' },
	request_changes: { from: ['pending'], to: 'changes_requested' },
	// Nobody decided by the deadline: the draft goes back to the cyber cell.
	expire: { from: ['pending'], to: 'draft' },
	// Any edit voids an approval or an open request: the text approved is no longer the text.
	edit: { from: ['draft', 'pending', 'approved', 'rejected', 'changes_requested'], to: 'draft' },
	publish: { from: ['approved'], to: 'published' },
};

export function canTransition(from: ContentState, event: ContentEvent): boolean {
	return TRANSITIONS[event].from.includes(from);
}

export function nextState(from: ContentState, event: ContentEvent, contentId?: number): ContentState {
	const t = TRANSITIONS[event];
	if (!t.from.includes(from)) {
		const code = from === 'published' ? 'CONTENT_PUBLISHED' : 'CONTENT_STATE';
		throw new MitanError(
			code,
			`content${contentId !== undefined ? ` ${contentId}` : ''} is ${from}: cannot ${event.replace('_', ' ')} (allowed from ${t.from.join(', ')})`,
			{ contentId, state: from, event, allowedFrom: t.from },
		);
	}
	return t.to;
}

/** The states from which an event is allowed (for SQL guards: `WHERE state = ANY($n)`). */
export function allowedFrom(event: ContentEvent): ContentState[] {
	return [...TRANSITIONS[event].from];
}
