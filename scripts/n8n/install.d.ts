export const N8N_VERSION: string;
export interface N8nPaths {
	root: string;
	version: string;
	nodeModules: string;
	n8nBin: string;
	/** <cache>/n8n-2.40.7/node_modules/n8n-nodes-base: loadPackage() this for stock nodes in-process. */
	nodesBase: string;
	nodeBinDir: string;
	nodeBin: string;
	marker: string;
	lock: string;
}
export function cacheDir(env?: NodeJS.ProcessEnv): string;
export function n8nPaths(env?: NodeJS.ProcessEnv): N8nPaths;
export function isInstalled(env?: NodeJS.ProcessEnv): boolean;
export function installEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export interface NativeCheck {
	ok: boolean;
	node?: string;
	sqlite?: string;
	isolatedVm?: number;
	error?: string;
}
export function verifyNative(env?: NodeJS.ProcessEnv): Promise<NativeCheck>;
export function ensureN8n(opts?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void }): Promise<N8nPaths>;
