/**
 * The requests this worker has in the air. Each answer (or refusal) becomes an outcome by its
 * action class (outcome.ts) and is handed on; nothing here waits for an answer, so the loop keeps
 * the pace while up to maxInFlight requests are out.
 */
import type { TemplateMessage } from '../../channels/whatsapp/types';
import { MitanError } from '../../errors';
import { deliveryCallbackData } from '../../statuses/callback';
import { outcomeOf, type Outcome, type RetryPolicy } from '../outcome';
import type { ClaimedRow } from '../repository';
import type { BroadcastTemplates } from '../types';
import type { SenderClient } from './types';

/** The broadcast's templates by subscriber language, as the client sends them. */
export function templatesByLanguage(templates: BroadcastTemplates): Map<string, TemplateMessage> {
	const out = new Map<string, TemplateMessage>();
	for (const [lang, t] of Object.entries(templates)) {
		// The daily broadcast is a MARKETING template (channels.md §1.6): the client may route it
		// through the Marketing Messages API when the number has it on. Meta may recategorise a
		// template after approval (template_category_update, core/templates/lifecycle.ts): one it now
		// files as UTILITY goes through /messages, which the Marketing Messages API would refuse.
		if (t)
			out.set(lang, {
				name: t.name,
				language: t.language ?? lang,
				bodyParams: t.params ?? [],
				marketing: (t.category ?? 'MARKETING') === 'MARKETING',
				...(t.headerImageUrl ? { headerImageUrl: t.headerImageUrl } : {}),
			});
	}
	return out;
}

export class Requests {
	private inAir = 0;

	constructor(
		private readonly client: SenderClient,
		private readonly templates: Map<string, TemplateMessage>,
		private readonly policy: RetryPolicy,
		private readonly maxInFlight: number,
		private readonly onAnswer: (row: ClaimedRow, outcome: Outcome) => void,
	) {}

	get inFlight(): number {
		return this.inAir;
	}

	/** True when n more requests may leave now. */
	hasRoomFor(n: number): boolean {
		return this.inAir + n <= this.maxInFlight;
	}

	/** Sends one row's template (attempt = its attempt number); the outcome goes to onAnswer. */
	launch(row: ClaimedRow, attempt: number): void {
		const tpl = this.templates.get(row.language);
		this.inAir++;
		const answer: Promise<{ wamid: string } | { error: unknown }> = tpl
			? // The delivery's id rides along (biz_opaque_callback_data): each status names its exact row.
				this.client.sendTemplate(row.address, { ...tpl, callbackData: deliveryCallbackData(row.id) }).then(
					(r) => ({ wamid: r.wamid }),
					(error: unknown) => ({ error }),
				)
			: Promise.resolve({ error: new MitanError('BROADCAST_NO_TEMPLATE', `no template for language "${row.language}"`) });
		void answer.then((res) => {
			this.inAir--;
			this.onAnswer(row, outcomeOf(row.id, attempt, res, this.policy));
		});
	}
}
