import { MitanError } from '../errors';
import { contentHash } from './hash';
import type { Content } from './types';

/**
 * The one publish gate: every channel passes it before anything goes out (the WhatsApp broadcast
 * at creation, Facebook / Instagram / X through core/publishing/content.ts, the media ingest, and
 * markPublished). Approved, the approval bound to the current hash, and the stored fields still
 * hashing to it (a direct SQL edit of the text would not update content_hash; recomputing catches it).
 */
export function assertPublishable(c: Content, expectedHash?: string): void {
	if (c.state !== 'approved' && c.state !== 'published') {
		throw new MitanError(
			'CONTENT_NOT_APPROVED',
			`content ${c.id} is ${c.state}, not approved: only approved content is published / सामग्री ${c.id} स्वीकृत नहीं है ("${c.state}")`,
			{ contentId: c.id, state: c.state },
		);
	}
	const actual = contentHash(c);
	if (!c.approvedHash || c.approvedHash !== c.contentHash || actual !== c.contentHash) {
		throw new MitanError(
			'APPROVAL_VOID',
			`content ${c.id} was changed after it was approved: the approval is void, ask for approval again / स्वीकृति के बाद सामग्री बदली गई है, दोबारा स्वीकृति लें`,
			{ contentId: c.id, approvedHash: c.approvedHash, contentHash: actual },
		);
	}
	if (expectedHash !== undefined && expectedHash !== c.approvedHash) {
		throw new MitanError(
			'APPROVAL_HASH_MISMATCH',
			`content ${c.id}: the text being published (hash ${expectedHash.slice(0, 12)}) is not the approved text (hash ${c.approvedHash.slice(0, 12)})`,
			{ contentId: c.id, expectedHash, approvedHash: c.approvedHash },
		);
	}
}
