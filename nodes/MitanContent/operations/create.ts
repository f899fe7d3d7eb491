import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { actorFor, authoringFor, contentJson, draftFrom, draftProperties } from '../common';

export const description: INodeProperties[] = draftProperties(['create']);

export async function execute(this: IExecuteFunctions, i: number) {
	return contentJson(await (await authoringFor(this, i)).create(draftFrom(this, i), actorFor(this)));
}
