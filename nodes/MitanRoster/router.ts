import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runPerItem, type OperationFn } from '../shared/router';
import * as count from './operations/count';
import * as exportOp from './operations/export';
import * as get from './operations/get';
import * as importOp from './operations/import';
import * as search from './operations/search';
import * as status from './operations/status';
import * as upsert from './operations/upsert';

/** "resource.operation" → the function that does it; the compiler checks every entry exists. */
const operations: Record<string, OperationFn> = {
	'subscriber.upsert': upsert.execute,
	'subscriber.get': get.execute,
	'subscriber.search': search.execute,
	'subscriber.optOut': status.optOut,
	'subscriber.optIn': status.optIn,
	'subscriber.erase': status.erase,
	'roster.import': importOp.execute,
	'roster.export': exportOp.execute,
	'roster.count': count.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, operations, (i) => `${this.getNodeParameter('resource', i)}.${this.getNodeParameter('operation', i)}`);
}
