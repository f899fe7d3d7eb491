import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { errorJson, toNodeError } from './errors';
import { MitanError } from '../../core/errors';

/** One operation: handles item i and returns its output items (pairedItem is added here). */
export type OperationFn = (this: IExecuteFunctions, i: number) => Promise<IDataObject | IDataObject[] | INodeExecutionData[]>;

function isExecutionData(x: unknown): x is INodeExecutionData {
	return typeof x === 'object' && x !== null && 'json' in x;
}

/**
 * The shared per-item loop of every Mitan node: dispatch to the operation, attach pairedItem,
 * honour continueOnFail with the error's code and action, else raise it with the item index.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	ops: Record<string, OperationFn>,
	key: (i: number) => string,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const op = ops[key(i)];
			if (!op) throw new MitanError('OPERATION_UNKNOWN', `unknown operation "${key(i)}"`);
			const res = await op.call(ctx, i);
			const list = Array.isArray(res) ? res : [res];
			for (const r of list) {
				const item: INodeExecutionData = isExecutionData(r) ? r : { json: r as IDataObject };
				out.push({ ...item, pairedItem: { item: i } });
			}
		} catch (e) {
			if (ctx.continueOnFail()) {
				out.push({ json: errorJson(e) as IDataObject, pairedItem: { item: i } });
				continue;
			}
			throw toNodeError(ctx.getNode(), e, i);
		}
	}
	return [out];
}
