import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import * as getApprovedForDate from './operations/getApprovedForDate';
import * as requestApproval from './operations/requestApproval';
import * as settleDue from './operations/settleDue';
import { MitanError } from '../../core/errors';

/**
 * "resource.operation" → the function that does it. Not the shared per-item loop: a request
 * waits once per execution, and the sweep runs once per run, whatever the input items.
 */
const operations: Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>> = {
	'approval.sendAndWait': requestApproval.execute,
	'approval.settleDue': settleDue.execute,
	'content.getApprovedForDate': getApprovedForDate.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const key = `${this.getNodeParameter('resource', 0)}.${this.getNodeParameter('operation', 0)}`;
	const op = operations[key];
	if (!op) throw new MitanError('OPERATION_UNKNOWN', `unknown operation "${key}"`);
	return op.call(this);
}
