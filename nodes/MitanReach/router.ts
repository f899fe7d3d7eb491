import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { runPerItem, type OperationFn } from '../shared/router';
import * as pullInsights from './operations/pullInsights';
import * as refresh from './operations/refresh';
import * as report from './operations/report';

const operations: Record<string, OperationFn> = {
	refresh: refresh.execute,
	pullInsights: pullInsights.execute,
	report: report.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, operations, (i) => String(this.getNodeParameter('operation', i)));
}
