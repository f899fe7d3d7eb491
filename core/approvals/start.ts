/**
 * Starting an approval from outside n8n (the dashboard's "Send for approval"): a POST to the
 * content-approval workflow's webhook ("Draft submitted"), authenticated with a bearer secret the
 * webhook's Header Auth credential checks. The request itself is made by the Mitan Approval node
 * in that workflow (requestApproval): only a waiting n8n execution can sign the approve / reject
 * links, so the dashboard cannot make the request on its own.
 */
import { MitanError } from '../errors';
import { isHttpUrl } from '../url';

export interface ApprovalStartConfig {
	url?: string;
	token?: string;
	timeoutMs?: number;
}

export type ApprovalStarter = (c: { id: number }, extra?: { authorPhone?: string | null }) => Promise<void>;

export function webhookStarter(cfg: ApprovalStartConfig): ApprovalStarter {
	return async (c, extra = {}) => {
		if (!cfg.url || !isHttpUrl(cfg.url) || !cfg.token)
			throw new MitanError(
				'APPROVAL_START_NOT_CONFIGURED',
				"approval is not connected: set MITAN_APPROVAL_WEBHOOK_URL and MITAN_APPROVAL_WEBHOOK_TOKEN (the content-approval workflow's webhook) / स्वीकृति वर्कफ़्लो जुड़ा नहीं है",
			);
		let res: Response;
		try {
			res = await fetch(cfg.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.token}` },
				body: JSON.stringify({ contentId: c.id, ...(extra.authorPhone ? { authorPhone: extra.authorPhone } : {}) }),
				signal: AbortSignal.timeout(cfg.timeoutMs ?? 15_000),
			});
		} catch (e) {
			throw new MitanError(
				'APPROVAL_START_FAILED',
				`the approval workflow did not answer (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}); is n8n running? / स्वीकृति वर्कफ़्लो से उत्तर नहीं मिला`,
				{ contentId: c.id },
			);
		}
		await res.arrayBuffer().catch(() => undefined);
		if (!res.ok)
			throw new MitanError(
				'APPROVAL_START_FAILED',
				`the approval workflow answered HTTP ${res.status}${res.status === 403 || res.status === 401 ? ' (wrong webhook token)' : ''} / स्वीकृति वर्कफ़्लो ने मना किया`,
				{ contentId: c.id, httpStatus: res.status },
			);
	};
}
