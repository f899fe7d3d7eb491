/**
 * biz_opaque_callback_data of a broadcast message: the delivery's id, tagged so that another
 * application sending from the same number (its own opaque data) can never settle our rows.
 * Meta echoes the value in every status webhook of that message; the statuses path matches the
 * status to its exact delivery by it (core/statuses/repository.ts), before the wamid.
 */
const PREFIX = 'mitan:d:';

export function deliveryCallbackData(deliveryId: number): string {
	return `${PREFIX}${deliveryId}`;
}

/** The delivery id a callback value names, or null when it is not one of ours. */
export function deliveryIdOfCallback(value: string | null | undefined): number | null {
	if (!value || !value.startsWith(PREFIX)) return null;
	const digits = value.slice(PREFIX.length);
	if (!/^[1-9]\d{0,15}$/.test(digits)) return null;
	const id = Number(digits);
	return Number.isSafeInteger(id) ? id : null;
}
