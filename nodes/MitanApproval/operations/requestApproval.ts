import { NodeOperationError, WAIT_INDEFINITELY, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { deadlineFrom, newNonce, requestAndSend, signLinks, type DeadlineSpec, type OnDeadline } from '../../../core/approvals';
import { getDb } from '../../shared/db';
import { refuseLivePlaceholders } from '../../shared/whatsapp';
import { toNodeError } from '../../shared/errors';
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
		description: "In the workflow's timezone (Workflow Settings)",
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
			{
				name: 'Text if the Approver Wrote in 24 h, Else the Template',
				value: 'text',
				description: 'The full preview as text inside the 24-hour window; outside it the utility template, which always arrives',
			},
			{ name: 'Always the Utility Template', value: 'template' },
		],
		description:
			"WhatsApp delivers free text only within 24 hours of the approver's last message; outside it the request goes as the approved utility template with the link as its button (submit it with `mitan templates submit`)",
	},
	{
		displayName: 'Template Name',
		name: 'templateName',
		type: 'string',
		default: 'mitan_approval_request',
		description: 'The approved UTILITY template: body {{1}} title, {{2}} date; a URL button whose suffix {{1}} is the decision link',
		displayOptions: show,
	},
	{
		displayName: 'Template Language',
		name: 'templateLanguage',
		type: 'options',
		default: 'hi',
		options: [
			{ name: 'Hindi', value: 'hi' },
			{ name: 'English', value: 'en' },
		],
		displayOptions: show,
	},
];

/** The node's deadline parameters, as core/approvals/request.ts reads them. */
function deadlineSpec(ctx: IExecuteFunctions): DeadlineSpec {
	const type = ctx.getNodeParameter('deadlineType', 0, 'none') as string;
	if (type === 'afterTimeInterval')
		return { type, amount: Number(ctx.getNodeParameter('deadlineAmount', 0)), unit: String(ctx.getNodeParameter('deadlineUnit', 0)) };
	// n8n's dateTime parameter has no offset: it is a wall time in the workflow's timezone.
	if (type === 'atSpecifiedTime') return { type, at: String(ctx.getNodeParameter('deadlineAt', 0) ?? ''), timeZone: ctx.getTimezone() };
	return { type: 'none' };
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
		const now = new Date();
		const spec = deadlineSpec(this);
		const { deadlineAt, remindAt } = deadlineFrom(spec, Number(this.getNodeParameter('remindBefore', 0, 0)), now);
		const onDeadline: OnDeadline = spec.type === 'none' ? 'reject' : (this.getNodeParameter('onDeadline', 0, 'reject') as OnDeadline);
		const approverPhone = String(this.getNodeParameter('approverPhone', 0));
		const escalateToPhone = onDeadline === 'escalate' ? String(this.getNodeParameter('escalateToPhone', 0, '')) : '';
		await refuseLivePlaceholders(this, [approverPhone], 'approverPhone');
		await refuseLivePlaceholders(this, [escalateToPhone], 'escalateToPhone');
		const db = await getDb(this);
		// n8n versions that have it then check the links' signature before webhook() runs too.
		(this as { setSignatureValidationRequired?: () => void }).setSignatureValidationRequired?.();
		const nonce = newNonce();
		const workflow = this.getWorkflow();
		const messageType = this.getNodeParameter('messageType', 0, 'text') as 'text' | 'template';
		await requestAndSend(
			db,
			{
				contentId: Number(this.getNodeParameter('contentId', 0)),
				approverPhone,
				approverName: String(this.getNodeParameter('approverName', 0, '') ?? ''),
				deadlineAt,
				remindAt,
				onDeadline,
				escalateTo:
					onDeadline === 'escalate'
						? {
								phone: escalateToPhone,
								name: String(this.getNodeParameter('escalateToName', 0, '') ?? '') || null,
								windowMinutes: Number(this.getNodeParameter('escalationMinutes', 0, 60)),
							}
						: null,
				executionId: this.getExecutionId(),
				workflowId: workflow.id ? String(workflow.id) : null,
				nonce,
				links: signLinks(this, nonce),
				messageOptions: {
					messageType,
					templateName: String(this.getNodeParameter('templateName', 0, 'mitan_approval_request')),
					templateLanguage: String(this.getNodeParameter('templateLanguage', 0, 'hi')),
				},
				actor: `n8n:${workflow.name ?? workflow.id}`,
			},
			(to, message) => sendApprovalMessage(this, to, message),
			now,
		);
		await this.putExecutionToWait(WAIT_INDEFINITELY);
		return [[], [], []];
	} catch (e) {
		throw toNodeError(this.getNode(), e, 0);
	}
}
