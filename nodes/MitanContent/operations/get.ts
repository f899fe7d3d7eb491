import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { authoringFor, contentIdProperty, contentJson } from '../common';

export const description: INodeProperties[] = [contentIdProperty(['get'])];

export async function execute(this: IExecuteFunctions, i: number) {
	return contentJson(await (await authoringFor(this, i)).get(this.getNodeParameter('contentId', i) as number));
}
