import { NodeOperationError, type INode } from 'n8n-workflow';
import { MitanError } from '../../core/errors';

/** MitanError → NodeOperationError that keeps the stable code and tells the user what to do. */
export function toNodeError(node: INode, e: unknown, itemIndex: number): NodeOperationError {
	if (e instanceof NodeOperationError) return e;
	if (e instanceof MitanError) {
		const err = new NodeOperationError(node, e.message, {
			itemIndex,
			description: `code ${e.code}; action: ${e.action.replace(/_/g, ' ')}`,
		});
		(err as unknown as { context: Record<string, unknown> }).context = {
			...err.context,
			code: e.code,
			action: e.action,
			details: e.details,
		};
		return err;
	}
	return new NodeOperationError(node, e as Error, { itemIndex });
}

export function errorJson(e: unknown): Record<string, unknown> {
	if (e instanceof MitanError) return { error: e.message, code: e.code, action: e.action, ...(e.details ? { details: e.details } : {}) };
	return { error: (e as Error).message ?? String(e) };
}
