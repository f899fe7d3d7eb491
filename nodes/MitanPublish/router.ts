import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runPerItem, type OperationFn } from '../shared/router';
import * as metrics from './operations/metrics';
import * as publish from './operations/publish';

/** "resource.operation" → the function that does it. */
const operations: Record<string, OperationFn> = {
	'post.publish': publish.execute,
	'post.metrics': metrics.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, operations, (i) => `${this.getNodeParameter('resource', i)}.${this.getNodeParameter('operation', i)}`);
}
