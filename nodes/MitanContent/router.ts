import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runPerItem, type OperationFn } from '../shared/router';
import * as create from './operations/create';
import * as get from './operations/get';
import * as list from './operations/list';
import * as submit from './operations/submit';
import * as update from './operations/update';

/** operation → the function that does it; the compiler checks every entry exists. */
const operations: Record<string, OperationFn> = {
	create: create.execute,
	update: update.execute,
	get: get.execute,
	list: list.execute,
	submit: submit.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, operations, (i) => String(this.getNodeParameter('operation', i)));
}
