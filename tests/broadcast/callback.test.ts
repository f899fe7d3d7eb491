/** The delivery's id as biz_opaque_callback_data: written by the sender, read back from statuses. */
import { templateMessage } from '../../core/channels/whatsapp/messages';
import { deliveryCallbackData, deliveryIdOfCallback } from '../../core/statuses/callback';
import { parseWebhook } from '../../core/gateway/payload';

test('a delivery id survives the round trip; values that are not ours name no delivery', () => {
	expect(deliveryIdOfCallback(deliveryCallbackData(4711))).toBe(4711);
	for (const v of [null, undefined, '', '4711', 'crm:4711', 'mitan:d:', 'mitan:d:0', 'mitan:d:12a', 'mitan:d:99999999999999999999'])
		expect([v, deliveryIdOfCallback(v)]).toEqual([v, null]);
});

test('the template body carries biz_opaque_callback_data; more than 512 characters is refused naming the field', () => {
	const body = templateMessage('+919800000001', { name: 'daily_awareness', language: 'hi', callbackData: deliveryCallbackData(7) });
	expect(body.biz_opaque_callback_data).toBe('mitan:d:7');
	expect(templateMessage('+919800000001', { name: 'daily_awareness', language: 'hi' })).not.toHaveProperty('biz_opaque_callback_data');
	expect(() => templateMessage('+919800000001', { name: 'daily_awareness', language: 'hi', callbackData: 'x'.repeat(513) })).toThrow(
		/template\.callbackData/,
	);
});

test("a status webhook's biz_opaque_callback_data is read; one that is not text is refused naming the field", () => {
	const hook = (extra: Record<string, unknown>) => ({
		object: 'whatsapp_business_account',
		entry: [
			{
				id: '200000000000001',
				changes: [
					{
						field: 'messages',
						value: {
							messaging_product: 'whatsapp',
							metadata: { display_phone_number: '917000000001', phone_number_id: '100000000000001' },
							statuses: [{ id: 'wamid.CB1', status: 'sent', timestamp: '1764640000', recipient_id: '919800000001', ...extra }],
						},
					},
				],
			},
		],
	});
	expect(parseWebhook(hook({ biz_opaque_callback_data: 'mitan:d:42' })).statuses[0].callbackData).toBe('mitan:d:42');
	expect(parseWebhook(hook({})).statuses[0].callbackData ?? null).toBeNull();
	expect(() => parseWebhook(hook({ biz_opaque_callback_data: 42 }))).toThrow(/biz_opaque_callback_data/);
});
