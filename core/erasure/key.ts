import { createHmac } from 'crypto';
import { resolveConfig } from '../config';
import type { Queryable } from '../db';
import { MitanError } from '../errors';
import { keptSecret } from '../kept-secret';

/**
 * The key of the suppression list's hashes. Kept like the project's other secrets: the
 * environment (MITAN_SUPPRESSION_KEY, which `npm start` hands to n8n so the Roster node agrees)
 * or, unset, a file made once in the data folder (mode 600). Never in the database: a dump or a
 * leaked WAL segment must not be enough to test 10^10 numbers against the list.
 */
export function suppressionKey(dataDir?: string): string {
	const config = resolveConfig();
	return config.suppressionKey ?? keptSecret(dataDir ?? config.dataDir, 'suppression.key');
}

const FINGERPRINT_LABEL = 'police-mitan suppression key v1';

export function keyFingerprint(key: string): string {
	return createHmac('sha256', key).update(FINGERPRINT_LABEL).digest('hex');
}

/**
 * The key, checked against the one that made the list (recorded on first use). A process with
 * another key would find no suppressed number at all, so it is refused, loudly.
 */
export async function checkedKey(q: Queryable, key = suppressionKey()): Promise<string> {
	const fingerprint = keyFingerprint(key);
	await q.query('INSERT INTO suppression_key (fingerprint) VALUES ($1) ON CONFLICT (only_row) DO NOTHING', [fingerprint]);
	const [row] = await q.query<{ fingerprint: string }>('SELECT fingerprint FROM suppression_key');
	if (row.fingerprint !== fingerprint) {
		throw new MitanError(
			'SUPPRESSION_KEY_MISMATCH',
			'the suppression key of this process is not the one that made the list of erased citizens: ' +
				'give every process (gateway, n8n, CLI) the same MITAN_SUPPRESSION_KEY or data folder (suppression.key)',
		);
	}
	return key;
}

/**
 * HMAC-SHA256 of one identifier, `kind:value`: as the suppression list stores a phone or BSUID, and
 * as retention rewrites a wamid (core/erasure/anonymise.ts). The kind keeps the uses apart.
 */
export function identifierHash(key: string, kind: 'phone' | 'bsuid' | 'wamid', value: string): string {
	return createHmac('sha256', key).update(`${kind}:${value}`).digest('hex');
}
