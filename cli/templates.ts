/**
 * `mitan templates submit [--link-base URL] [--json]` and `mitan templates status [--json]`: the
 * shipped staff templates (core/channels/whatsapp/staff-templates.ts) on the configured WABA
 * (WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_WABA_ID, GRAPH_BASE_URL).
 */
import { resolveConfig } from '../core/config';
import { staffTemplateStatus, submitStaffTemplates, type StaffTemplateState } from '../core/channels/whatsapp/staff-submit';
import type { WhatsAppConfig } from '../core/channels/whatsapp/types';
import { flag, type Args } from './args';
import { n8nPortFromEnv } from './n8n';

/** Where n8n's signed approval links start: its public address (WEBHOOK_URL) + webhook-waiting/. */
export function defaultLinkBase(env: NodeJS.ProcessEnv = process.env): string {
	const pub = (env.WEBHOOK_URL || env.N8N_EDITOR_BASE_URL || `http://localhost:${n8nPortFromEnv()}`).replace(/\/+$/, '');
	return `${pub}/webhook-waiting/`;
}

const LABEL: Record<string, string> = {
	APPROVED: 'स्वीकृत / approved',
	PENDING: 'Meta समीक्षा में / in Meta review',
	REJECTED: 'अस्वीकृत / rejected',
	PAUSED: 'रुका / paused',
	DISABLED: 'बंद / disabled',
	MISSING: 'जमा नहीं / not submitted',
	REFUSED: 'Meta ने लेने से मना किया / refused',
};

export function printStates(states: StaffTemplateState[], out: (s: string) => void, linkBase?: string): void {
	for (const s of states) {
		const why = s.reason ? ` — ${s.reason}` : '';
		const made = s.created ? ' (submitted now / अभी जमा)' : '';
		out(`  ${s.name} [${s.language}]  ${LABEL[s.status] ?? s.status}${made}${why}`);
		if (linkBase && s.buttonUrl && s.buttonUrl !== linkBase)
			out(`    ! its button opens ${s.buttonUrl}…, the links now start ${linkBase}: delete it and submit again`);
	}
}

function waConfig(): WhatsAppConfig {
	const w = resolveConfig().whatsapp;
	return {
		accessToken: w.accessToken ?? '',
		phoneNumberId: w.phoneNumberId ?? '',
		wabaId: w.wabaId,
		graphVersion: w.graphVersion,
		baseUrl: w.baseUrl,
	};
}

export async function templatesCommand(args: Args, out: (s: string) => void): Promise<number> {
	const sub = args._[0];
	const json = args.flags.json === true;
	if (sub !== 'submit' && sub !== 'status') {
		process.stderr.write('usage: mitan templates submit [--link-base URL] [--json] | mitan templates status [--json]\n');
		return 64;
	}
	const linkBase = flag(args, 'link-base') ?? defaultLinkBase();
	const states = sub === 'submit' ? await submitStaffTemplates(waConfig(), linkBase) : await staffTemplateStatus(waConfig());
	if (json) out(JSON.stringify(states, null, 2));
	else {
		out(sub === 'submit' ? `staff templates for links starting ${linkBase} (स्टाफ टेम्पलेट):` : 'staff templates (स्टाफ टेम्पलेट):');
		printStates(states, out, linkBase);
	}
	return states.some((s) => s.status === 'REFUSED' || s.status === 'REJECTED') ? 2 : 0;
}
