/**
 * A stand-in for n8n's `/webhook-waiting/:executionId/:nodeId` route (n8n cli WaitingWebhooks),
 * in-process, for the n8n-core harness: real HTTP (express on a real port, so the Settle Due
 * node and the dashboard's resumeExecution reach it with real requests), n8n's own HMAC check for
 * send-and-wait nodes (n8n-core signature helpers and the instance's secret), the node's webhook()
 * run in n8n-core's WebhookContext, and the execution resumed with the workflowData it returns.
 */
import type { AddressInfo } from 'net';
import * as http from 'http';
import express from 'express';
import { Container } from '@n8n/di';
import { InstanceSettings, WebhookContext, generateUrlSignature, prepareUrlForSigning } from 'n8n-core';
import type { INode, INodeType, IWebhookData, IWebhookDescription, IWebhookResponseData } from 'n8n-workflow';
import type { N8nHarness, RunResult, WorkflowJson } from '../helpers/n8n';

type Run = RunResult & { executionId: string; json: WorkflowJson };

export class WaitingWebhookServer {
	private h?: N8nHarness;
	private server?: http.Server;
	private readonly runs = new Map<string, Run>();
	private pending: Promise<unknown>[] = [];
	/** Calls n8n would refuse before the node (bad signature): counts, for assertions. */
	n8nRefusals = 0;
	url = '';

	readonly app = express();

	constructor(opts: { checkSignatureLikeN8n?: boolean } = {}) {
		const check = opts.checkSignatureLikeN8n ?? true;
		this.app.use(express.urlencoded({ extended: false }));
		this.app.all('/webhook-waiting/:executionId/:suffix', async (req, res) => {
			try {
				const run = this.runs.get(String(req.params.executionId));
				if (!run) return void res.status(404).json({ error: 'no such execution' });
				// n8n finds the waiting node as the last one executed; a stale snapshot (tests of races)
				// has moved on, so look it up by the id in the path, as n8n's isSendAndWaitRequest does.
				const node = Object.values(run.workflow.nodes).find((n) => n.id === req.params.suffix);
				if (run.status !== 'waiting') {
					// n8n renders its "no action required" page for finished send-and-wait nodes.
					if (node?.parameters.operation === 'sendAndWait') return void res.status(200).type('html').send('<p>No action required</p>');
					return void res.status(409).json({ error: 'finished' });
				}
				if (!node) return void res.status(404).json({ error: 'no waiting webhook with a matching path' });
				if (check && node.parameters.operation === 'sendAndWait' && !validSignature(req)) {
					this.n8nRefusals++;
					return void res.status(401).json({ error: 'Invalid token' });
				}
				const result = await this.callWebhook(run, req, res);
				if (!result.noWebhookResponse) res.status(200).send(result.webhookResponse ?? '');
				if (result.workflowData) {
					const p = this.h!.resume(run, result.workflowData).then((next) => this.runs.set(run.executionId, next as Run));
					this.pending.push(p);
					await p;
				}
			} catch (e) {
				if (!res.headersSent) res.status(500).json({ error: (e as Error).message });
			}
		});
	}

	async start(): Promise<string> {
		this.server = http.createServer(this.app);
		await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	async close(): Promise<void> {
		await Promise.allSettled(this.pending);
		await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
	}

	attach(h: N8nHarness): void {
		this.h = h;
	}

	/** Registers a waiting run so its links can resume it. */
	track(run: RunResult): void {
		this.runs.set((run as Run).executionId, run as Run);
	}

	/** The run's latest state (after any resume). */
	latest(run: RunResult): Run {
		return this.runs.get((run as Run).executionId)!;
	}

	/** Waits for every resume started by a request to finish. */
	async settled(): Promise<void> {
		while (this.pending.length) {
			const all = this.pending;
			this.pending = [];
			await Promise.allSettled(all);
		}
	}

	private waitingNode(run: Run): INode | undefined {
		const name = run.run.data.resultData.lastNodeExecuted;
		return name ? (run.workflow.getNode(name) ?? undefined) : undefined;
	}

	/** Runs the waiting node's webhook() in n8n-core's WebhookContext, as WebhookHelpers.executeWebhook does. */
	async callWebhook(run: Run, req: express.Request, res: express.Response): Promise<IWebhookResponseData> {
		const node = Object.values(run.workflow.nodes).find((n) => n.id === req.params.suffix) ?? this.waitingNode(run)!;
		const nodeType = this.h!.nodeTypes.getByNameAndVersion(node.type, node.typeVersion) as INodeType;
		const description = (nodeType.description.webhooks ?? []).find(
			(w: IWebhookDescription) => w.httpMethod === req.method && w.restartWebhook === true,
		);
		if (!description || !nodeType.webhook) {
			res.status(404).json({ error: 'no waiting webhook with a matching method' });
			return { noWebhookResponse: true };
		}
		const additionalData = this.h!.additionalData(run.executionId, run.run.mode, run.json, () => undefined);
		Object.assign(additionalData, { httpRequest: req, httpResponse: res });
		const webhookData: IWebhookData = {
			httpMethod: req.method as IWebhookData['httpMethod'],
			node: node.name,
			path: node.id,
			webhookDescription: description,
			workflowId: run.workflow.id,
			isTest: false,
		} as IWebhookData;
		const ctx = new WebhookContext(run.workflow, node, additionalData, run.run.mode, webhookData, [], run.run.data);
		return nodeType.webhook.call(ctx);
	}
}

/** n8n's WaitingWebhooks.validateSignatureInRequest. */
function validSignature(req: express.Request): boolean {
	try {
		const actual = req.query.signature;
		if (typeof actual !== 'string') return false;
		const parsed = new URL(req.originalUrl, `http://${req.headers.host}`);
		parsed.searchParams.delete('signature');
		const expected = generateUrlSignature(prepareUrlForSigning(parsed), Container.get(InstanceSettings).hmacSignatureSecret);
		return actual.length === expected.length && Buffer.from(actual).equals(Buffer.from(expected));
	} catch {
		return false;
	}
}

/** path + query of a full link, for supertest. */
export function pathOf(link: string): string {
	const u = new URL(link);
	return `${u.pathname}${u.search}`;
}

/** The same link with one query parameter changed (a tampered link). */
export function withParam(link: string, key: string, value: string): string {
	const u = new URL(link);
	u.searchParams.set(key, value);
	return u.toString();
}
