/**
 * Publish once per (content, channel). The intent row is written and leased before the network
 * is called; a stored external id ends the story; a call whose outcome is unknown (timeout after
 * the request left) is looked up on the network before anything is posted again.
 */
import { randomUUID } from 'crypto';
import { audit } from '../audit';
import type { Db } from '../db';
import { MitanError } from '../errors';
import { isOutcomeUnknown, type Publisher } from '../channels/publisher';
import { createPublisher, type PublisherOptions, type SocialCredentials } from '../channels/registry';
import type { SocialChannel } from '../channels/types';
import type { PublishableContent } from './content';
import { claimPost, markAttempt, markNotPublished, markPublished, releaseLease, type SocialPostRow } from './posts';
import { defaultDistrictId } from '../districts';

export interface PublishOutcome {
	channel: SocialChannel;
	/** published: posted now; already_published: a stored id, nothing called; recovered: found on the network after an unknown outcome. */
	status: 'published' | 'already_published' | 'recovered';
	postId: number;
	contentKey: string;
	contentId: number | null;
	externalId: string;
	url: string;
	attempts: number;
}

export interface PublishOnceOptions {
	/** Who holds the lease (n8n execution id, worker name). */
	worker?: string;
	/** Longer than the slowest publish (Instagram container wait ≤ 5 min + timeouts). */
	leaseSeconds?: number;
	actor?: string;
}

function outcome(row: SocialPostRow, status: PublishOutcome['status']): PublishOutcome {
	return {
		channel: row.channel,
		status,
		postId: row.id,
		contentKey: row.content_key,
		contentId: row.content_id,
		externalId: row.external_id ?? '',
		url: row.url ?? '',
		attempts: row.attempts,
	};
}

async function afterPublished(
	db: Db,
	row: SocialPostRow,
	status: PublishOutcome['status'],
	content: PublishableContent,
	opts: PublishOnceOptions,
): Promise<PublishOutcome> {
	// The day's social rollup is marked dirty by social_posts' own trigger (migration 050).
	await audit(db, {
		districtId: row.district_id,
		actor: opts.actor ?? 'system',
		action: status === 'recovered' ? 'social.recovered' : 'social.published',
		entity: 'social_post',
		entityId: row.id,
		contentHash: content.contentHash,
		details: { channel: row.channel, externalId: row.external_id, url: row.url, contentKey: row.content_key },
	});
	return outcome(row, status);
}

export async function publishOnce(
	db: Db,
	publisher: Publisher,
	content: PublishableContent,
	opts: PublishOnceOptions = {},
): Promise<PublishOutcome> {
	const draft = publisher.compose(content);
	const problems = publisher.validate(draft);
	if (problems.length) {
		// Nothing is written for content that cannot be posted: fixing it and re-running is clean.
		throw MitanError.from(problems.length === 1 ? problems[0] : undefined, 'SOCIAL_CONTENT_INVALID', {
			message: `${publisher.channel}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
			details: { channel: publisher.channel, problems },
		});
	}
	const claim = await claimPost(db, {
		contentKey: content.contentKey,
		contentId: content.contentId,
		channel: publisher.channel,
		districtId: content.districtId ?? (await defaultDistrictId(db)),
		worker: opts.worker ?? `pid-${process.pid}-${randomUUID().slice(0, 8)}`,
		leaseSeconds: opts.leaseSeconds ?? 600,
	});
	if (claim.kind === 'published') return outcome(claim.row, 'already_published');
	if (claim.kind === 'busy') {
		throw new MitanError(
			'SOCIAL_PUBLISH_IN_PROGRESS',
			`${publisher.channel}: another run is publishing ${content.contentKey} right now (lease until ${claim.row.lease_until?.toISOString()})`,
			{
				channel: publisher.channel,
				leaseUntil: claim.row.lease_until,
			},
		);
	}
	let row = claim.row;
	let called = false;
	try {
		// A previous call may have posted (timeout, or a worker that died mid-call): look first.
		const mayHavePosted = row.attempts > 0 && (row.state === 'unknown' || row.state === 'intent') && row.first_attempt_at;
		if (mayHavePosted) {
			const found = await publisher.findExisting(draft, row.first_attempt_at!);
			if (found) return await afterPublished(db, await markPublished(db, row.id, found), 'recovered', content, opts);
		}
		row = await markAttempt(db, row.id, draft);
		called = true;
		let posted;
		try {
			posted = await publisher.publish(draft);
		} catch (e) {
			if (!isOutcomeUnknown(e)) throw e;
			// Look once now: the network usually did post, and then this run can finish cleanly.
			const found = await publisher.findExisting(draft, row.first_attempt_at ?? new Date(Date.now() - 60_000)).catch(() => undefined);
			if (found) return await afterPublished(db, await markPublished(db, row.id, found), 'recovered', content, opts);
			throw e;
		}
		return await afterPublished(db, await markPublished(db, row.id, posted), 'published', content, opts);
	} catch (e) {
		const err = e instanceof MitanError ? e : new MitanError('SOCIAL_UNEXPECTED', `${publisher.channel}: ${(e as Error).message}`);
		// Before the post call nothing new can have happened on the network: keep the state as it was.
		if (!called) await releaseLease(db, row.id);
		else await markNotPublished(db, row.id, isOutcomeUnknown(e) ? 'unknown' : 'failed', err);
		throw err;
	}
}

export interface ChannelResult {
	channel: SocialChannel;
	ok: boolean;
	outcome?: PublishOutcome;
	error?: MitanError;
}

/**
 * Publishes one content to several channels; one network failing never stops the others.
 * Channels run one after another: three posts a day need no parallelism, and a sequential run
 * keeps the audit trail readable.
 */
export async function publishToChannels(
	db: Db,
	creds: SocialCredentials,
	content: PublishableContent,
	channels: SocialChannel[],
	opts: PublishOnceOptions & { publisherOptions?: PublisherOptions } = {},
): Promise<ChannelResult[]> {
	const out: ChannelResult[] = [];
	for (const channel of channels) {
		try {
			const publisher = createPublisher(channel, creds, opts.publisherOptions);
			out.push({ channel, ok: true, outcome: await publishOnce(db, publisher, content, opts) });
		} catch (e) {
			out.push({
				channel,
				ok: false,
				error: e instanceof MitanError ? e : new MitanError('SOCIAL_UNEXPECTED', `${channel}: ${(e as Error).message}`),
			});
		}
	}
	return out;
}
