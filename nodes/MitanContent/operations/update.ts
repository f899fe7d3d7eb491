import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { actorFor, authoringFor, contentIdProperty, contentJson, draftFrom, draftProperties } from '../common';

export const description: INodeProperties[] = [contentIdProperty(['update']), ...draftProperties(['update'])];

/** Replaces the draft; a change to approved content voids the approval (core/content/service.ts). */
export async function execute(this: IExecuteFunctions, i: number) {
	const id = this.getNodeParameter('contentId', i) as number;
	return contentJson(await (await authoringFor(this, i)).update(id, draftFrom(this, i), actorFor(this)));
}
