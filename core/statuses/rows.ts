import type { StatusEvent } from '../gateway/payload';
import { deliveryIdOfCallback } from './callback';

/** One status_events row as the batch statement takes it (jsonb_to_recordset column names). */
export interface StatusRow {
	district_id: number;
	wamid: string;
	status: StatusEvent['status'];
	occurred_at: string;
	recipient: string | null;
	/** The BSUID (Meta may send it without recipient_id): the delivery is still found by wamid. */
	recipient_user_id?: string | null;
	error_code: number | null;
	error_title: string | null;
	price_category: string | null;
	billable: boolean | null;
	pricing_model: string | null;
	pricing_type: string | null;
	inferred: boolean;
	/** The delivery its biz_opaque_callback_data names (callback.ts), or null. */
	delivery_ref?: number | null;
}

export interface RoutedStatus extends StatusEvent {
	districtId: number;
}

/**
 * Events of one batch → rows, deduplicated by (wamid, status) before they reach the database
 * (an ON CONFLICT DO UPDATE statement may not touch one row twice). A "read" also yields an
 * inferred "delivered" (Meta skips delivered when both happen together); a real delivered in
 * the same batch wins over the inferred one, and the earliest copy of a duplicate is kept.
 */
export function toStatusRows(events: RoutedStatus[]): StatusRow[] {
	const byKey = new Map<string, StatusRow>();
	const put = (row: StatusRow): void => {
		const key = `${row.wamid}\u0000${row.status}`;
		const prev = byKey.get(key);
		if (!prev || (prev.inferred && !row.inferred)) byKey.set(key, row);
	};
	for (const e of events) {
		const row: StatusRow = {
			district_id: e.districtId,
			wamid: e.wamid,
			status: e.status,
			occurred_at: e.occurredAt,
			recipient: e.recipient,
			recipient_user_id: e.recipientUserId ?? null,
			error_code: e.errorCode,
			error_title: e.errorTitle,
			price_category: e.priceCategory,
			billable: e.billable,
			pricing_model: e.pricingModel,
			pricing_type: e.pricingType,
			inferred: false,
			delivery_ref: deliveryIdOfCallback(e.callbackData),
		};
		put(row);
		if (e.status === 'read') {
			put({ ...row, status: 'delivered', inferred: true, error_code: null, error_title: null });
		}
	}
	// A stable order (wamid) keeps row locks in one order across concurrent gateway processes.
	return [...byKey.values()].sort((a, b) => (a.wamid < b.wamid ? -1 : a.wamid > b.wamid ? 1 : a.status < b.status ? -1 : 1));
}
