/**
 * The in-process n8n harness: runs workflow JSON through n8n-core's own WorkflowExecute with
 * this package's nodes (loaded from the TypeScript sources, so no build is needed) and, when
 * given, other node packages (e.g. n8n-nodes-base from the cached n8n install) loaded with
 * n8n's PackageDirectoryLoader. Credentials come from a plain map, by credential type.
 *
 * Every node and workflow test goes through this file: n8n's own engine runs the nodes, so a
 * test sees what n8n would (parameter resolution, credentials, item pairing), without a server.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/** The repository: the nodes' sources, workflows/. */
export const REPO_ROOT = path.resolve(__dirname, '../..');
/** The published community package: its manifest, and its dist/ once built (scripts/build-nodes.js). */
export const PACKAGE_ROOT = path.join(REPO_ROOT, 'packages', 'n8n-nodes-police-mitan');
const PKG = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};
export const PACKAGE_NAME = PKG.name;

/** dist/nodes/X/X.node.js → nodes/X/X.node.ts (top-level sources), class X (the loader's own naming rule). */
function loadFromSource<T>(distPath: string): T | undefined {
	const src = path.join(REPO_ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	// A node listed in package.json whose source is not written yet is skipped here; the
	// packed-tarball test and the lint check that every listed file exists.
	if (!fs.existsSync(src)) return undefined;
	const className = path.basename(src).split('.')[0];
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(src) as Record<string, new () => T>;
	if (!mod[className]) throw new Error(`${src} does not export class ${className}`);
	return new mod[className]();
}

export function ownNodeTypes(): Record<string, INodeType | IVersionedNodeType> {
	const out: Record<string, INodeType | IVersionedNodeType> = {};
	for (const p of PKG.n8n.nodes) {
		const n = loadFromSource<INodeType>(p);
		if (!n) continue;
		out[`${PACKAGE_NAME}.${n.description.name}`] = n;
	}
	return out;
}

export function ownCredentialTypes(): Record<string, ICredentialType> {
	const out: Record<string, ICredentialType> = {};
	for (const p of PKG.n8n.credentials) {
		const c = loadFromSource<ICredentialType>(p);
		if (!c) continue;
		out[c.name] = c;
	}
	return out;
}

export class MapNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}
	getByName(name: string): INodeType | IVersionedNodeType {
		const t = this.types[name];
		if (!t) throw new Error(`Unrecognized node type: ${name}`);
		return t;
	}
	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}
	getKnownTypes() {
		return Object.fromEntries(Object.keys(this.types).map((k) => [k, { className: k, sourcePath: '' }]));
	}
	add(types: Record<string, INodeType | IVersionedNodeType>): void {
		Object.assign(this.types, types);
	}
}

/** Loads another node package (e.g. n8n-nodes-base) the way n8n does. */
export async function loadPackage(dir: string, includeNodes?: string[]): Promise<Record<string, INodeType | IVersionedNodeType>> {
	const loader = new PackageDirectoryLoader(dir, [], includeNodes ?? []);
	await loader.loadAll();
	const out: Record<string, INodeType | IVersionedNodeType> = {};
	for (const [name, data] of Object.entries(loader.nodeTypes)) out[`${loader.packageName}.${name}`] = data.type;
	return out;
}

/** Hands each credential type its data from a map; applies generic (declarative) auth itself. */
class MapCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
		private readonly types: Record<string, ICredentialType>,
	) {
		super();
	}
	getParentTypes(): string[] {
		return [];
	}
	isCredentialUsableByNode(): boolean {
		return true;
	}
	async authenticate(creds: ICredentialDataDecryptedObject, typeName: string, req: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const auth = this.types[typeName]?.authenticate;
		if (typeof auth === 'function') return auth(creds, req);
		if (auth && auth.type === 'generic') {
			const fill = (v: string) =>
				v.replace(/^=/, '').replace(/\{\{\s*\$credentials\??\.(\w+)\s*\}\}/g, (_m, k: string) => String(creds[k] ?? ''));
			const props = auth.properties as { headers?: Record<string, string>; qs?: Record<string, string> };
			req.headers = { ...(req.headers ?? {}), ...Object.fromEntries(Object.entries(props.headers ?? {}).map(([k, v]) => [k, fill(v)])) };
			req.qs = { ...(req.qs ?? {}), ...Object.fromEntries(Object.entries(props.qs ?? {}).map(([k, v]) => [k, fill(v)])) };
		}
		return req;
	}
	async preAuthentication(): Promise<undefined> {
		return undefined;
	}
	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}
	async getCredentials(_d: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const data = this.data[type];
		return { getData: () => data } as unknown as ICredentials;
	}
	async getDecrypted(
		_a: IWorkflowExecuteAdditionalData,
		_d: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (!data) throw new Error(`the test gave no data for credential type ${type}`);
		return data;
	}
	async updateCredentials(_d: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data[type] = data;
	}
	async updateCredentialsOauthTokenData(): Promise<void> {}
	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: INode[];
	connections: IWorkflowBase['connections'];
	settings?: IWorkflowBase['settings'];
	staticData?: IDataObject;
}

export interface RunResult {
	run: IRun;
	workflow: Workflow;
	status: IRun['status'];
	/** json of every item a node put on one output in its last run (or a given run). */
	output(nodeName: string, outputIndex?: number, runIndex?: number): IDataObject[];
	items(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** Whether the node ran at all. */
	ran(nodeName: string): boolean;
	error?: Error;
}

export interface HarnessOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Extra node types (e.g. loadPackage(n8nNodesBaseDir)). */
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	webhookWaitingBaseUrl?: string;
	instanceBaseUrl?: string;
}

let executionSeq = 0;

export class N8nHarness {
	readonly nodeTypes: MapNodeTypes;
	readonly credentials: Record<string, ICredentialDataDecryptedObject>;
	private readonly credentialTypes = ownCredentialTypes();

	constructor(private readonly opts: HarnessOptions = {}) {
		this.nodeTypes = new MapNodeTypes({ ...ownNodeTypes(), ...(opts.nodeTypes ?? {}) });
		this.credentials = { ...(opts.credentials ?? {}) };
	}

	workflow(json: WorkflowJson): Workflow {
		return new Workflow({
			id: json.id ?? 'test-workflow',
			name: json.name,
			nodes: json.nodes,
			connections: json.connections,
			active: false,
			nodeTypes: this.nodeTypes,
			settings: json.settings ?? { timezone: 'Asia/Kolkata', executionOrder: 'v1' },
			staticData: json.staticData,
		});
	}

	additionalData(
		executionId: string,
		mode: WorkflowExecuteMode,
		json: WorkflowJson,
		done: (r: IRun) => void,
	): IWorkflowExecuteAdditionalData {
		const hooks = new ExecutionLifecycleHooks(mode, executionId, {
			...json,
			id: json.id ?? 'test-workflow',
			active: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			isArchived: false,
		} as unknown as IWorkflowBase);
		hooks.addHandler('workflowExecuteAfter', (run: IRun) => done(run));
		const base = this.opts.instanceBaseUrl ?? 'http://localhost:5678';
		return {
			executionId,
			hooks,
			credentialsHelper: new MapCredentialsHelper(this.credentials, this.credentialTypes),
			webhookWaitingBaseUrl: this.opts.webhookWaitingBaseUrl ?? `${base}/webhook-waiting`,
			formWaitingBaseUrl: `${base}/form-waiting`,
			webhookBaseUrl: `${base}/webhook`,
			webhookTestBaseUrl: `${base}/webhook-test`,
			restApiUrl: `${base}/rest`,
			instanceBaseUrl: base,
			variables: {},
			currentNodeParameters: undefined,
			userId: 'test-user',
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/**
	 * Runs a workflow from `startNode` (default: the first node without inputs), seeding it with
	 * `input` items as a trigger would.
	 */
	async run(
		json: WorkflowJson,
		opts: { startNode?: string; input?: IDataObject[]; items?: INodeExecutionData[]; mode?: WorkflowExecuteMode } = {},
	): Promise<RunResult> {
		const workflow = this.workflow(json);
		const mode = opts.mode ?? 'manual';
		const start = opts.startNode ? workflow.getNode(opts.startNode) : firstNodeWithoutInputs(json);
		if (!start) throw new Error('no start node');
		const executionId = `test-${++executionSeq}`;
		const input: INodeExecutionData[] = opts.items ?? (opts.input ?? [{}]).map((j) => ({ json: j }));
		const runData: IRunExecutionData = {
			version: 1,
			startData: {},
			resultData: { runData: {} },
			executionData: {
				contextData: {},
				nodeExecutionStack: [{ node: start, data: { main: [input] }, source: null }],
				metadata: {},
				waitingExecution: {},
				waitingExecutionSource: {},
			},
		} as unknown as IRunExecutionData;
		return this.execute(json, workflow, executionId, mode, runData);
	}

	/**
	 * Resumes a waiting execution the way n8n's WaitingWebhooks does: the waiting node runs again
	 * with `items` as its output (e.g. what its webhook() returned), and the run continues.
	 * `outputIndex` picks which output the items leave by.
	 */
	async resume(prev: RunResult, items: IDataObject[] | INodeExecutionData[][], json?: WorkflowJson): Promise<RunResult> {
		if (prev.status !== 'waiting') throw new Error(`cannot resume a run in status ${prev.status}`);
		const data = prev.run.data;
		const entry = data.executionData!.nodeExecutionStack[0];
		entry.node.disabled = true;
		data.waitTill = undefined;
		const main = Array.isArray(items[0]) ? (items as INodeExecutionData[][]) : [(items as IDataObject[]).map((j) => ({ json: j }))];
		entry.data = { main };
		entry.metadata = { ...(entry.metadata ?? {}), forwardAllOutputs: true } as IExecuteData['metadata'];
		const wfJson = json ?? (prev as RunResult & { json: WorkflowJson }).json;
		return this.execute(
			wfJson,
			prev.workflow,
			prev.run.data.executionData ? `${(prev as RunResult & { executionId: string }).executionId}` : 'resumed',
			prev.run.mode,
			data,
		);
	}

	private async execute(
		json: WorkflowJson,
		workflow: Workflow,
		executionId: string,
		mode: WorkflowExecuteMode,
		runData: IRunExecutionData,
	): Promise<RunResult> {
		let done!: (r: IRun) => void;
		const finished = new Promise<IRun>((r) => (done = r));
		const additionalData = this.additionalData(executionId, mode, json, done);
		const we = new WorkflowExecute(additionalData, mode, runData);
		const direct = await we.processRunExecutionData(workflow);
		const run = (await Promise.race([finished, Promise.resolve(direct)])) ?? direct;
		const items = (nodeName: string, outputIndex = 0, runIndex?: number): INodeExecutionData[] => {
			const runs = run.data.resultData.runData[nodeName];
			if (!runs || runs.length === 0) return [];
			const r = runs[runIndex ?? runs.length - 1];
			return r?.data?.main?.[outputIndex] ?? [];
		};
		const result: RunResult & { json: WorkflowJson; executionId: string } = {
			run,
			workflow,
			status: run.status,
			items,
			output: (n, o, r) => items(n, o, r).map((i) => i.json),
			ran: (n) => (run.data.resultData.runData[n]?.length ?? 0) > 0,
			error: run.data.resultData.error as Error | undefined,
			json,
			executionId,
		};
		return result;
	}
}

/** The node a trigger would start: the first one (in file order) that no connection points to. */
function firstNodeWithoutInputs(json: WorkflowJson): INode | undefined {
	const targets = new Set<string>();
	for (const byType of Object.values(json.connections)) {
		for (const outputs of Object.values(byType)) for (const conns of outputs ?? []) for (const c of conns ?? []) targets.add(c.node);
	}
	return json.nodes.find((n) => !targets.has(n.name) && !n.disabled && !/stickyNote$/.test(n.type));
}

/** Reads a workflow JSON file (from workflows/ or a test fixture). */
export function readWorkflow(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(path.isAbsolute(file) ? file : path.join(REPO_ROOT, file), 'utf8')) as WorkflowJson;
}

/** Node type name as exported workflows spell it. */
export function nodeType(name: string): string {
	return `${PACKAGE_NAME}.${name}`;
}
