import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runPerItem, type OperationFn } from '../shared/router';
import * as classifyOp from './operations/classify';
import * as create from './operations/create';
import * as get from './operations/get';
import * as list from './operations/list';
import * as setCategory from './operations/setCategory';
import * as updateStatus from './operations/updateStatus';

/** operation → the function that does it (one resource: complaint). */
const operations: Record<string, OperationFn> = {
	create: create.execute,
	classify: classifyOp.execute,
	updateStatus: updateStatus.execute,
	setCategory: setCategory.execute,
	get: get.execute,
	list: list.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, operations, (i) => String(this.getNodeParameter('operation', i)));
}
