/**
 * The demo, as an ordered list of named steps. Each step's statements are SQL modules under
 * sql/ with named parameters (:seed, :district, …, bound by bindNamed with PARAM_TYPES);
 * generate.ts runs them in this order.
 */
import { BROADCASTS, CONTENT, DELIVERIES, STATUS_EVENTS, TARGETED } from './sql/campaign';
import { COMPLAINT_MESSAGES, COMPLAINT_SEQUENCES, COMPLAINTS, INBOUND_MESSAGES } from './sql/complaints';
import { OPT_OUTS, SUBSCRIBERS } from './sql/roster';
import { SOCIAL_METRICS, SOCIAL_POSTS } from './sql/social';

export interface DemoStep {
	/** What progress reports. */
	name: string;
	/** Statements, in order. */
	sql: string[];
	/** Once per demo broadcast, in its own transaction, with :broadcast, :day, :k and :starts_at. */
	perDay?: true;
	/** Consecutive steps of the same group run in one transaction. */
	group?: string;
}

export const STEPS: readonly DemoStep[] = [
	{ name: 'subscribers', sql: [SUBSCRIBERS] },
	{ name: 'opt-outs', sql: [OPT_OUTS] },
	{ name: 'content', sql: [CONTENT] },
	{ name: 'broadcasts', sql: [BROADCASTS] },
	{ name: 'deliveries', sql: [DELIVERIES, STATUS_EVENTS, TARGETED], perDay: true },
	{ name: 'inbound messages', sql: [INBOUND_MESSAGES], group: 'complaints' },
	{ name: 'complaints', sql: [COMPLAINTS, COMPLAINT_MESSAGES, COMPLAINT_SEQUENCES], group: 'complaints' },
	{ name: 'social posts', sql: [SOCIAL_POSTS] },
	{ name: 'social metrics', sql: [SOCIAL_METRICS] },
];

/** Every named parameter a step may use, with the type it is bound as. */
export const PARAM_TYPES: Record<string, string> = {
	seed: 'bigint',
	district: 'int',
	citizens: 'int',
	start: 'date',
	days: 'int',
	tz: 'text',
	phone_base: 'bigint',
	broadcast: 'bigint',
	starts_at: 'timestamptz',
	day: 'date',
	k: 'int',
	total: 'int',
	samples: 'jsonb',
	code: 'text',
};
