/** Approval requests: one row per link set (one level of one request). */
export const DECISIONS = ['approved', 'rejected', 'changes_requested'] as const;
/** What a person can decide. */
export type Decision = (typeof DECISIONS)[number];
/** What a row can end as: a person's decision, or what the system did at a deadline or an edit. */
export type Outcome = Decision | 'expired' | 'escalated' | 'voided';

/** The decision word in a signed link's query (short, stable, part of the signature). */
export type LinkAction = 'approve' | 'reject' | 'changes' | 'settle';
export const LINK_DECISION: Record<Exclude<LinkAction, 'settle'>, Decision> = {
	approve: 'approved',
	reject: 'rejected',
	changes: 'changes_requested',
};

export type OnDeadline = 'escalate' | 'reject';

export interface EscalateTo {
	name?: string | null;
	phone: string;
	/** How long the second approver has, from the moment of escalation. */
	windowMinutes: number;
}

export interface ApprovalLinks {
	approve?: string;
	reject?: string;
	changes?: string;
	settle?: string;
}

export interface Approval {
	id: number;
	contentId: number;
	districtId: number;
	contentHash: string;
	level: number;
	/** Display label: name, else masked phone. */
	approver: string;
	approverName: string | null;
	approverPhone: string | null;
	requestedAt: Date;
	deadlineAt: Date | null;
	decision: Outcome | null;
	comment: string | null;
	decidedBy: string | null;
	decidedAt: Date | null;
	decidedIp: string | null;
	decidedVia: string | null;
	executionId: string | null;
	workflowId: string | null;
	nonce: string | null;
	onDeadline: OnDeadline;
	escalateTo: EscalateTo | null;
	links: ApprovalLinks;
	remindAt: Date | null;
	remindedAt: Date | null;
	settleFiredAt: Date | null;
	resumedAt: Date | null;
	escalatedFrom: number | null;
	previewWamid: string | null;
	messageOptions: MessageOptions;
}

/** How the approver is messaged (see core/approvals/message.ts). */
export interface MessageOptions {
	/** 'text': free text inside the approver's 24-hour window, else the template; 'template': always the template. */
	messageType?: 'text' | 'template';
	templateName?: string;
	templateLanguage?: string;
}

/** Which output of the Mitan Approval node an outcome leaves by. */
export const OUTPUT_OF: Record<Outcome, 0 | 1 | 2> = {
	approved: 0,
	rejected: 1,
	expired: 1,
	changes_requested: 2,
	voided: 2,
	// Never leaves the node: an escalated row hands over to the next level.
	escalated: 1,
};
