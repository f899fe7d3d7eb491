import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { contentHash } from '../content/hash';
import { selectContent } from '../content/repository';
import type { Content } from '../content/types';

/**
 * Locks the content row an approval is about (FOR UPDATE, in the caller's transaction) and
 * refuses it when its stored hash no longer describes its stored text: a direct SQL edit would
 * not update the hash, so nothing edited that way is ever put up, decided or escalated.
 */
export async function lockContent(tx: Queryable, contentId: number, districtId?: number): Promise<Content> {
	const c = await selectContent(tx, contentId, { forUpdate: true });
	if (!c || (districtId !== undefined && c.districtId !== districtId)) {
		throw new MitanError(
			'CONTENT_NOT_FOUND',
			`no content with id ${contentId}${districtId !== undefined ? ` in district ${districtId}` : ''}`,
			{ contentId },
		);
	}
	if (contentHash(c) !== c.contentHash) {
		throw new MitanError(
			'CONTENT_TAMPERED',
			`content ${contentId} was changed outside Police Mitan (its text no longer matches its hash): save it again through the dashboard`,
			{ contentId },
		);
	}
	return c;
}
