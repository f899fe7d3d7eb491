import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runPerItem, type OperationFn } from '../shared/router';
import * as send from './operations/send';
import * as staff from './operations/staff';
import * as templates from './operations/templates';

/** "resource.operation" → the function that does it. */
const operations: Record<string, OperationFn> = {
	'alert.send': send.execute,
	'staffTemplates.submit': templates.execute,
	'staffTemplates.status': templates.execute,
	'staff.getByRole': staff.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, operations, (i) => `${this.getNodeParameter('resource', i)}.${this.getNodeParameter('operation', i)}`);
}
