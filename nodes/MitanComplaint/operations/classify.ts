import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { CATEGORY_INFO, classify } from '../../../core/complaints';

export const description: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '={{ $json.text }}',
		required: true,
		displayOptions: { show: { operation: ['classify'] } },
	},
];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const c = classify(String(this.getNodeParameter('text', i) ?? ''));
	return {
		category: c.category,
		categoryLabelEn: CATEGORY_INFO[c.category].labelEn,
		categoryLabelHi: CATEGORY_INFO[c.category].labelHi,
		sensitive: CATEGORY_INFO[c.category].sensitive,
		confidence: c.confidence,
		moneyLoss: c.moneyLoss,
		amountInr: c.amountInr,
		language: c.language,
		matchedKeywords: CATEGORY_INFO[c.category].sensitive ? null : c.matched,
	};
}
