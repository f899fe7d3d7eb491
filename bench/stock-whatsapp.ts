/**
 * The baseline: n8n's stock WhatsApp node (n8n-nodes-base.whatsApp v1.1, Send Template) fed N
 * items by n8n-core's own engine (WorkflowExecute), against the sandbox. Run in its own process
 * by bench/broadcast.ts so its RSS is its own. Jest-free on purpose (bench/ cannot import tests/).
 *
 * The node's base URL is the constant https://graph.facebook.com/v13.0/ in its requestDefaults;
 * the only change made is pointing that one field at the sandbox. The node is run with
 * "On Error: Continue" so one failed item does not end the run (without it the first 130429
 * stops the whole execution).
 *
 *   node dist/bench/stock-whatsapp.js '{"dir":"~/.cache/…/node_modules/n8n-nodes-base","sandboxUrl":"http://127.0.0.1:3900","recipients":50000}'
 */
import { ExecutionLifecycleHooks, PackageDirectoryLoader, RoutingNode, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

interface Job {
	dir: string;
	sandboxUrl: string;
	recipients: number;
	phoneNumberId?: string;
	token?: string;
}

class Creds extends ICredentialsHelper {
	constructor(private readonly data: ICredentialDataDecryptedObject) {
		super();
	}
	getParentTypes(): string[] {
		return [];
	}
	isCredentialUsableByNode(): boolean {
		return true;
	}
	async authenticate(c: ICredentialDataDecryptedObject, _t: string, req: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		// whatsAppApi's own generic authentication: Authorization: Bearer {{$credentials.accessToken}}
		req.headers = { ...(req.headers ?? {}), Authorization: `Bearer ${String(c.accessToken)}` };
		return req;
	}
	async preAuthentication(): Promise<undefined> {
		return undefined;
	}
	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}
	async getCredentials(): Promise<ICredentials> {
		return { getData: () => this.data } as unknown as ICredentials;
	}
	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return this.data;
	}
	async updateCredentials(): Promise<void> {}
	async updateCredentialsOauthTokenData(): Promise<void> {}
	getCredentialsProperties() {
		return [];
	}
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2] ?? '{}') as Job;
	const phoneNumberId = job.phoneNumberId ?? '100000000000001';
	// A No Operation node hands the items over, as a trigger would: expressions in a declarative
	// node resolve $json through the node's input source.
	const loader = new PackageDirectoryLoader(job.dir, [], ['n8n-nodes-base.whatsApp', 'n8n-nodes-base.noOp']);
	await loader.loadAll();
	const wa = loader.nodeTypes['whatsApp']?.type as INodeType | undefined;
	if (!wa) throw new Error(`n8n-nodes-base.whatsApp not found in ${job.dir}`);
	wa.description.requestDefaults = { ...(wa.description.requestDefaults ?? {}), baseURL: `${job.sandboxUrl}/v13.0/` };
	// What n8n's own NodeTypes does for a declarative node (packages/cli node-types.ts,
	// shouldAssignExecuteMethod): give it an execute() that runs the RoutingNode.
	wa.execute = async function (this: IExecuteFunctions) {
		return (await new RoutingNode(this as unknown as ConstructorParameters<typeof RoutingNode>[0], wa).runNode()) ?? [];
	};
	const noOp = loader.nodeTypes['noOp']?.type as INodeType;
	const types: Record<string, INodeType | IVersionedNodeType> = { 'n8n-nodes-base.whatsApp': wa, 'n8n-nodes-base.noOp': noOp };
	const nodeTypes: INodeTypes = {
		getByName: (n) => types[n],
		getByNameAndVersion: (n, v) => NodeHelpers.getVersionedNodeType(types[n], v),
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'wa',
		name: 'WhatsApp',
		type: 'n8n-nodes-base.whatsApp',
		typeVersion: 1.1,
		position: [0, 0],
		onError: 'continueRegularOutput',
		credentials: { whatsAppApi: { id: '1', name: 'WhatsApp' } },
		parameters: {
			resource: 'message',
			operation: 'sendTemplate',
			phoneNumberId,
			recipientPhoneNumber: '={{ $json.phone }}',
			template: '={{ $json.template }}',
			components: { component: [{ type: 'body', bodyParameters: { parameter: [{ type: 'text', text: '={{ $json.param }}' }] } }] },
		},
	};
	const input: INode = { id: 'in', name: 'Citizens', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [-200, 0], parameters: {} };
	const connections = { Citizens: { main: [[{ node: 'WhatsApp', type: 'main' as const, index: 0 }]] } };
	const wfJson = {
		id: 'bench',
		name: 'stock whatsapp baseline',
		nodes: [input, node],
		connections,
		active: false,
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({
		id: 'bench',
		name: wfJson.name,
		nodes: [input, node],
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const items = Array.from({ length: job.recipients }, (_, k) => {
		const i = k + 1;
		return {
			json: {
				phone: `+91${9_000_000_000 + i}`,
				template: i % 2 === 1 ? 'daily_awareness|hi' : 'daily_awareness|en',
				param: i % 2 === 1 ? 'वीडियो कॉल पर कोई अफसर पैसे नहीं माँगता' : 'No officer asks for money on a video call',
			},
		};
	});
	// getrusage (maxRSS) needs no file descriptor: the stock node opens one socket per item and
	// can exhaust them (EMFILE), which must not crash the measurement.
	let peakRss = process.resourceUsage().maxRSS * 1024;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024)), 100);
	const cpu0 = process.cpuUsage();
	const t0 = Date.now();
	let done!: (r: IRun) => void;
	const finished = new Promise<IRun>((r) => (done = r));
	const hooks = new ExecutionLifecycleHooks('manual', 'bench-1', {
		...wfJson,
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
	} as unknown as IWorkflowBase);
	hooks.addHandler('workflowExecuteAfter', (run: IRun) => done(run));
	const additionalData = {
		executionId: 'bench-1',
		hooks,
		credentialsHelper: new Creds({ accessToken: job.token ?? 'sandbox-token', businessAccountId: '200000000000001' }),
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		variables: {},
		userId: 'bench',
	} as unknown as IWorkflowExecuteAdditionalData;
	const runData = {
		version: 1,
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [{ node: input, data: { main: [items] }, source: null }],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
	const we = new WorkflowExecute(additionalData, 'manual', runData);
	const direct = await we.processRunExecutionData(workflow);
	const run = (await Promise.race([finished, Promise.resolve(direct)])) ?? direct;
	const wallMs = Date.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	clearInterval(sampler);
	const out = run.data.resultData.runData['WhatsApp']?.[0]?.data?.main?.[0] ?? [];
	const errors = out.filter((i) => i.json && 'error' in i.json).length;
	const byError: Record<string, number> = {};
	for (const i of out) {
		const e = i.json && 'error' in i.json ? (i.json as { error?: unknown }).error : undefined;
		if (e === undefined) continue;
		const k = String(typeof e === 'object' ? JSON.stringify(e) : e).slice(0, 80);
		byError[k] = (byError[k] ?? 0) + 1;
	}
	process.stdout.write(
		`${JSON.stringify({
			event: 'result',
			status: run.status,
			outputItems: out.length,
			itemsWithError: errors,
			errorsByMessage: byError,
			firstError: (out.find((i) => i.json && 'error' in i.json)?.json as { error?: unknown } | undefined)?.error,
			runError: run.data.resultData.error?.message,
			wallMs,
			cpuMs: Math.round((cpu.user + cpu.system) / 1000),
			peakRssBytes: Math.max(peakRss, process.resourceUsage().maxRSS * 1024),
		})}\n`,
	);
}

main().catch((e) => {
	process.stdout.write(`${JSON.stringify({ event: 'error', error: (e as Error).stack ?? String(e) })}\n`);
	process.exitCode = 1;
});
