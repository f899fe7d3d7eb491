import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runPerItem, type OperationFn } from '../shared/router';
import * as control from './operations/control';
import * as create from './operations/create';
import * as run from './operations/run';
import * as templates from './operations/templates';

/** operation → the function that does it; one summary item per broadcast. */
const operations: Record<string, OperationFn> = {
	create: create.execute,
	start: run.start,
	resume: run.resume,
	pause: control.pause,
	cancel: control.cancel,
	status: control.status,
	submitTemplates: templates.submit,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, operations, (i) => String(this.getNodeParameter('operation', i)));
}
