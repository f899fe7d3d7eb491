import { NodeOperationError, WAIT_INDEFINITELY, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { failRequest, newNonce, recordPreviewSent, requestApproval, type OnDeadline } from '../../../core/approvals';
import { getDb } from '../../shared/db';
import { toNodeError } from '../../shared/errors';
import { signLinks } from '../links';
import { sendApprovalMessage } from '../whatsapp';

const show = { show: { resource: ['approval'], operation: ['sendAndWait'] } };
const showEscalate = { show: { resource: ['approval'], operation: ['sendAndWait'], onDeadline: ['escalate'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Content ID',
		name: 'contentId',
		type: 'number',
		required: true,
		default: 0,
		description: 'The draft to approve (content.id); usually {{ $JSON.contentId }}',
		displayOptions: show,
	},
	{
		displayName: 'Approver Phone',
		name: 'approverPhone',
		type: 'string',
		required: true,
		default: '',
		placeholder: '98765 43210',
		description: "The Additional SP's WhatsApp number: the preview and links go there",
		displayOptions: show,
	},
	{
		displayName: 'Approver Name',
		name: 'approverName',
		type: 'string',
		default: '',
		placeholder: 'Addl. SP',
		description: 'Shown on the decision page and in the audit log',
		displayOptions: show,
	},
	{
		displayName: 'Deadline',
		name: 'deadlineType',
		type: 'options',
		default: 'afterTimeInterval',
		displayOptions: show,
		options: [
			{ name: 'After a Time Interval', value: 'afterTimeInterval' },
			{ name: 'At a Clock Time', value: 'atSpecifiedTime' },
			{ name: 'None', value: 'none' },
		],
	},
	{
		displayName: 'Amount',
		name: 'deadlineAmount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 2,
		displayOptions: { show: { ...show.show, deadlineType: ['afterTimeInterval'] } },
	},
	{
		displayName: 'Unit',
		name: 'deadlineUnit',
		type: 'options',
		default: 'hours',
		displayOptions: { show: { ...show.show, deadlineType: ['afterTimeInterval'] } },
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
	},
	{
		displayName: 'Deadline Time',
		name: 'deadlineAt',
		type: 'dateTime',
		default: '',
		description: "In the workflow's timezone (Asia/Kolkata by default)",
		displayOptions: { show: { ...show.show, deadlineType: ['atSpecifiedTime'] } },
	},
	{
		displayName: 'Remind Minutes Before Deadline',
		name: 'remindBefore',
		type: 'number',
		default: 0,
		description: 'Send the approver a reminder this many minutes before the deadline (0: no reminder)',
		displayOptions: { show: { ...show.show, deadlineType: ['afterTimeInterval', 'atSpecifiedTime'] } },
	},
	{
		displayName: 'At the Deadline',
		name: 'onDeadline',
		type: 'options',
		default: 'reject',
		displayOptions: { show: { ...show.show, deadlineType: ['afterTimeInterval', 'atSpecifiedTime'] } },
		options: [
			{ name: 'Reject (Leave by the Rejected Output)', value: 'reject' },
			{ name: 'Escalate to a Second Approver', value: 'escalate' },
		],
	},
	{
		displayName: 'Escalate To Phone',
		name: 'escalateToPhone',
		type: 'string',
		default: '',
		placeholder: '98765 43210',
		description: "The second approver's WhatsApp number (required when escalating)",
		displayOptions: showEscalate,
	},
	{ displayName: 'Escalate To Name', name: 'escalateToName', type: 'string', default: '', placeholder: 'SP', displayOptions: showEscalate },
	{
		displayName: 'Second Approver Minutes',
		name: 'escalationMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'How long the second approver has; after that the request is rejected',
		displayOptions: showEscalate,
	},
	{
		displayName: 'WhatsApp Message',
		name: 'messageType',
		type: 'options',
		default: 'text',
		displayOptions: show,
		options: [
			{ name: 'Text (Approver Wrote in the Last 24 h)', value: 'text' },
			{ name: 'Utility Template', value: 'template' },
		],
		description:
			"WhatsApp delivers free text only within 24 hours of the approver's last message; otherwise use an approved utility template",
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: 'approval_request',
		displayOptions: { show: { ...show.show, messageType: ['template'] } },
	},
	{
		displayName: 'Template Language',
		name: 'templateLanguage',
		type: 'string',
		default: 'en',
		displayOptions: { show: { ...show.show, messageType: ['template'] } },
	},
];

/** Offset (ms) of a timezone at an instant: local wall time minus UTC. */
function tzOffsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
	return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(utcMs / 1000) * 1000;
}

/** n8n's dateTime parameter has no offset: it is a wall time in the workflow's timezone. */
export function wallTimeToDate(value: string, timeZone: string): Date | undefined {
	if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) {
		const d = new Date(value);
		return Number.isNaN(d.getTime()) ? undefined : d;
	}
	const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
	if (!m) return undefined;
	const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
	return new Date(guess - tzOffsetMs(guess, timeZone));
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

function readDeadline(ctx: IExecuteFunctions, now: Date): { deadlineAt: Date | null; remindAt: Date | null; onDeadline: OnDeadline } {
	const type = ctx.getNodeParameter('deadlineType', 0, 'none') as string;
	if (type === 'none') return { deadlineAt: null, remindAt: null, onDeadline: 'reject' };
	let deadlineAt: Date | undefined;
	if (type === 'afterTimeInterval') {
		const amount = Number(ctx.getNodeParameter('deadlineAmount', 0));
		const unit = ctx.getNodeParameter('deadlineUnit', 0) as keyof typeof UNIT_MS;
		if (!Number.isFinite(amount) || amount <= 0 || !UNIT_MS[unit])
			throw new NodeOperationError(ctx.getNode(), `Deadline: "${amount} ${unit}" is not a positive time interval`, { itemIndex: 0 });
		deadlineAt = new Date(now.getTime() + amount * UNIT_MS[unit]);
	} else {
		const raw = String(ctx.getNodeParameter('deadlineAt', 0) ?? '');
		deadlineAt = wallTimeToDate(raw, ctx.getTimezone());
		if (!deadlineAt) throw new NodeOperationError(ctx.getNode(), `Deadline Time: "${raw}" is not a date and time`, { itemIndex: 0 });
	}
	const remindBefore = Number(ctx.getNodeParameter('remindBefore', 0, 0));
	const remindAt = remindBefore > 0 ? new Date(deadlineAt.getTime() - remindBefore * 60_000) : null;
	return {
		deadlineAt,
		remindAt: remindAt && remindAt.getTime() > now.getTime() ? remindAt : null,
		onDeadline: ctx.getNodeParameter('onDeadline', 0, 'reject') as OnDeadline,
	};
}

/**
 * Creates the request, sends the preview and puts the execution to wait.
 *
 * The wait is WAIT_INDEFINITELY, not the deadline, on purpose: when n8n's own wait timer fires it
 * resumes the node *disabled* and forwards its input to output 0 (n8n-core WorkflowExecute
 * handleWaitingState), i.e. an unapproved draft would leave by "Approved". Deadlines are kept in
 * the database and enforced by "Settle Due Approvals", which resumes the execution through the
 * node's own signed settle link, so webhook() escalates or rejects as configured.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length !== 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Mitan Approval waits for one decision per execution but received ${items.length} items: send one content at a time (e.g. with Loop Over Items)`,
			{ itemIndex: 0 },
		);
	}
	try {
		const contentId = Number(this.getNodeParameter('contentId', 0));
		if (!Number.isInteger(contentId) || contentId <= 0)
			throw new NodeOperationError(this.getNode(), `Content ID: "${String(this.getNodeParameter('contentId', 0))}" is not a content id`, {
				itemIndex: 0,
			});
		const now = new Date();
		const { deadlineAt, remindAt, onDeadline } = readDeadline(this, now);
		const db = await getDb(this);
		// n8n versions that have it then check the links' signature before webhook() runs too.
		(this as { setSignatureValidationRequired?: () => void }).setSignatureValidationRequired?.();
		const nonce = newNonce();
		const links = signLinks(this, nonce);
		const workflow = this.getWorkflow();
		const messageType = this.getNodeParameter('messageType', 0, 'text') as 'text' | 'template';
		const { approval, preview } = await requestApproval(
			db,
			{
				contentId,
				approverPhone: String(this.getNodeParameter('approverPhone', 0)),
				approverName: String(this.getNodeParameter('approverName', 0, '') ?? ''),
				deadlineAt,
				remindAt,
				onDeadline,
				escalateTo:
					onDeadline === 'escalate'
						? {
								phone: String(this.getNodeParameter('escalateToPhone', 0, '')),
								name: String(this.getNodeParameter('escalateToName', 0, '') ?? '') || null,
								windowMinutes: Number(this.getNodeParameter('escalationMinutes', 0, 60)),
							}
						: null,
				executionId: this.getExecutionId(),
				workflowId: workflow.id ? String(workflow.id) : null,
				nonce,
				links,
				messageOptions:
					messageType === 'template'
						? {
								messageType,
								templateName: String(this.getNodeParameter('templateName', 0)),
								templateLanguage: String(this.getNodeParameter('templateLanguage', 0)),
							}
						: { messageType },
				actor: `n8n:${workflow.name ?? workflow.id}`,
			},
			now,
		);
		try {
			const wamid = await sendApprovalMessage(this, approval, preview);
			await recordPreviewSent(db, approval, wamid, 'request');
		} catch (e) {
			await failRequest(db, approval, (e as Error).message);
			throw toNodeError(this.getNode(), e, 0);
		}
		await this.putExecutionToWait(WAIT_INDEFINITELY);
		return [[], [], []];
	} catch (e) {
		throw toNodeError(this.getNode(), e, 0);
	}
}
