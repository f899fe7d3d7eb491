import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { authoringFor, contentIdProperty, contentJson } from '../common';

export const description: INodeProperties[] = [contentIdProperty(['submit'])];

/**
 * Checks a saved draft as the approver will need it (every channel's rules, a target date not in
 * the past, state draft) and hands it on: connect a Mitan Approval node ("Send and Wait", Content
 * ID = {{ $json.contentId }}) next. Only that node can make the request, because only a waiting
 * execution can sign the approve / reject links.
 */
export async function execute(this: IExecuteFunctions, i: number) {
	const c = await (await authoringFor(this, i)).submit(this.getNodeParameter('contentId', i) as number, async () => undefined);
	return { ...contentJson(c), readyForApproval: true };
}
