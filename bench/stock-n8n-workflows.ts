/**
 * The constructions an experienced n8n user would build to send one WhatsApp template to every
 * citizen, as n8n workflow JSON, and ours beside them. Each starts from a Webhook (POST {n}) so the
 * benchmark can start it on a running n8n, and a Code node that makes the same n citizens the
 * Mitan roster holds (bench/harness.ts citizenPhone). Every sending node runs "On Error:
 * Continue" (without it the first 130429 ends the execution).
 */
import { GRAPH_API_VERSION } from '../core/channels/api';
import { n8nScripts, PHONE, TEMPLATES, TOKEN } from './harness';

export type Construction = 'naive' | 'loop' | 'http' | 'mitan';

export const STOCK_CREDENTIAL = { id: 'benchStockWhatsApp', name: 'WhatsApp (stock node)' };

export function stockCredential(): { id: string; name: string; type: string; data: Record<string, string> } {
	return { ...STOCK_CREDENTIAL, type: 'whatsAppApi', data: { accessToken: TOKEN, businessAccountId: '200000000000001' } };
}

const citizensCode = `
const n = Number($input.first().json.body.n);
const hi = ${JSON.stringify(TEMPLATES.hi.params[0])};
const en = ${JSON.stringify(TEMPLATES.en.params[0])};
const out = [];
for (let i = 1; i <= n; i++) {
  const odd = i % 2 === 1;
  out.push({ json: { phone: '+91' + (9000000000 + i), lang: odd ? 'hi' : 'en', template: odd ? 'daily_awareness|hi' : 'daily_awareness|en', param: odd ? hi : en } });
}
return out;`;

/** The batch is the number's limit, given with each call (one import serves every rate). */
const BATCH = "={{ $('Start').first().json.body.batch }}";

type Node = Record<string, unknown> & { name: string };

function hook(kind: Construction): Node {
	return {
		id: `${kind}-hook`,
		name: 'Start',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: `bench-${kind}-hook`,
		parameters: { httpMethod: 'POST', path: `bench-${kind}`, responseMode: 'onReceived', options: {} },
	};
}

const citizens: Node = {
	id: 'citizens',
	name: 'Citizens',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [220, 0],
	parameters: { jsCode: citizensCode },
};

/** n8n's own WhatsApp node, Send Template (the node's base URL is pointed at the sandbox by bench/stock-n8n-redirect.ts). */
const stockWhatsApp: Node = {
	id: 'wa',
	name: 'WhatsApp',
	type: 'n8n-nodes-base.whatsApp',
	typeVersion: 1.1,
	position: [660, 0],
	onError: 'continueRegularOutput',
	credentials: { whatsAppApi: STOCK_CREDENTIAL },
	parameters: {
		resource: 'message',
		operation: 'sendTemplate',
		phoneNumberId: PHONE,
		recipientPhoneNumber: '={{ $json.phone }}',
		template: '={{ $json.template }}',
		components: { component: [{ type: 'body', bodyParameters: { parameter: [{ type: 'text', text: '={{ $json.param }}' }] } }] },
	},
};

const link = (to: string, index = 0) => ({ node: to, type: 'main', index });

function naive(): { nodes: Node[]; connections: Record<string, unknown> } {
	return {
		nodes: [hook('naive'), citizens, stockWhatsApp],
		connections: { Start: { main: [[link('Citizens')]] }, Citizens: { main: [[link('WhatsApp')]] } },
	};
}

/** Loop Over Items of BATCH + Wait 1 s around the stock node (output 0 of Loop Over Items is "done", 1 is "loop"). */
function loop(): { nodes: Node[]; connections: Record<string, unknown> } {
	return {
		nodes: [
			hook('loop'),
			citizens,
			{
				id: 'loop',
				name: 'Loop Over Items',
				type: 'n8n-nodes-base.splitInBatches',
				typeVersion: 3,
				position: [440, 0],
				parameters: { batchSize: BATCH, options: {} },
			},
			stockWhatsApp,
			{
				id: 'wait',
				name: 'Wait 1 s',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [880, 0],
				webhookId: 'bench-loop-wait',
				parameters: { resume: 'timeInterval', amount: 1, unit: 'seconds' },
			},
		],
		connections: {
			Start: { main: [[link('Citizens')]] },
			Citizens: { main: [[link('Loop Over Items')]] },
			'Loop Over Items': { main: [[], [link('WhatsApp')]] },
			WhatsApp: { main: [[link('Wait 1 s')]] },
			'Wait 1 s': { main: [[link('Loop Over Items')]] },
		},
	};
}

/** The HTTP Request node straight at the Cloud API, with its own batching option (batch items per interval). */
function http(sandboxUrl: string): { nodes: Node[]; connections: Record<string, unknown> } {
	const body =
		"={{ JSON.stringify({ messaging_product: 'whatsapp', to: $json.phone, type: 'template', template: { name: 'daily_awareness', language: { code: $json.lang }, components: [{ type: 'body', parameters: [{ type: 'text', text: $json.param }] }] } }) }}";
	return {
		nodes: [
			hook('http'),
			citizens,
			{
				id: 'http',
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [660, 0],
				onError: 'continueRegularOutput',
				parameters: {
					method: 'POST',
					url: `${sandboxUrl}/${GRAPH_API_VERSION}/${PHONE}/messages`,
					sendHeaders: true,
					headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }] },
					sendBody: true,
					specifyBody: 'json',
					jsonBody: body,
					options: { batching: { batch: { batchSize: BATCH, batchInterval: 1000 } } },
				},
			},
		],
		connections: { Start: { main: [[link('Citizens')]] }, Citizens: { main: [[link('HTTP Request')]] } },
	};
}

/** Ours: Mitan Broadcast "Start and Wait" on a broadcast the benchmark created from the roster. */
function mitan(): { nodes: Node[]; connections: Record<string, unknown> } {
	const { run, credentials } = n8nScripts();
	const { CREDENTIALS } = credentials;
	return {
		nodes: [
			hook('mitan'),
			{
				id: 'send',
				name: 'Mitan Broadcast',
				type: `${run.PACKAGE_NAME}.mitanBroadcast`,
				typeVersion: 1,
				position: [220, 0],
				credentials: { mitanDatabaseApi: CREDENTIALS.mitanDatabaseApi, mitanWhatsAppApi: CREDENTIALS.mitanWhatsAppApi },
				parameters: { operation: 'start', broadcastId: '={{ $json.body.broadcastId }}', mode: 'wait' },
			},
		],
		connections: { Start: { main: [[link('Mitan Broadcast')]] } },
	};
}

export const workflowId = (kind: Construction): string => `BenchStock${kind[0].toUpperCase()}${kind.slice(1)}`.padEnd(16, '0').slice(0, 16);

export function workflow(kind: Construction, opts: { sandboxUrl: string }): Record<string, unknown> {
	const parts = kind === 'naive' ? naive() : kind === 'loop' ? loop() : kind === 'http' ? http(opts.sandboxUrl) : mitan();
	return {
		id: workflowId(kind),
		name: `bench: ${kind}`,
		active: false,
		settings: { executionOrder: 'v1', timezone: 'Asia/Kolkata' },
		...parts,
	};
}
