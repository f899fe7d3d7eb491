/**
 * Graph API front door shared by WhatsApp, Facebook and Instagram: version in the path, token
 * from the header / query / body, parameters merged from query and body (Graph accepts both),
 * and dispatch by object id, because /{version}/{id} means a phone number, a page, a post or a
 * container depending on the id, exactly as on graph.facebook.com.
 */
import { Router, type Request, type Response, type NextFunction } from 'express';
import { GraphError, noSuchObject } from './errors';
import type { SandboxState } from './state';

export interface GraphRequest {
	method: 'GET' | 'POST' | 'DELETE';
	version: string;
	id: string;
	edge?: string;
	token?: string;
	params: Record<string, unknown>;
	req: Request;
}

export interface GraphResult {
	status?: number;
	body: unknown;
}

/** A network's part of the Graph: answers for the ids it owns, undefined for the others. */
export type GraphHandler = (r: GraphRequest) => GraphResult | undefined | Promise<GraphResult | undefined>;

const VERSION = /^v\d+\.\d+$/;

function tokenOf(req: Request): string | undefined {
	const auth = req.headers.authorization;
	if (auth) {
		const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth.trim());
		if (m) return m[1].trim();
	}
	const q = req.query['access_token'];
	if (typeof q === 'string') return q;
	const body: unknown = req.body;
	if (body && typeof body === 'object' && typeof (body as Record<string, unknown>)['access_token'] === 'string') {
		return (body as Record<string, string>)['access_token'];
	}
	return undefined;
}

/**
 * Checks the token against the object's accepted tokens, with Meta's answers: no token (104),
 * unknown (190), expired (190 / 463), valid but for another object (100 / 33, Meta's
 * "does not exist or missing permissions").
 */
export function requireToken(state: SandboxState, r: GraphRequest, allowed: string[]): void {
	const t = r.token;
	if (!t) throw new GraphError(400, 104, 'An access token is required to request this resource.');
	if (state.isExpired(t)) {
		throw new GraphError(401, 190, 'Error validating access token: Session has expired. The current time is later than the expiry time.', {
			subcode: 463,
		});
	}
	if (allowed.includes(t)) return;
	if (knownTokens(state).has(t)) throw noSuchObject(r.id, r.method === 'GET' ? 'get' : 'post');
	throw new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
}

function knownTokens(state: SandboxState): Set<string> {
	const c = state.config;
	return new Set([
		...c.whatsapp.accessTokens,
		...c.facebook.pages.flatMap((p) => p.accessTokens),
		...c.instagram.users.flatMap((u) => u.accessTokens),
	]);
}

/** Graph's `fields=a,b` projection; unknown fields fail like Meta's "nonexisting field". */
export function pickFields(
	all: Record<string, unknown>,
	fieldsParam: unknown,
	defaults: string[],
	nodeType: string,
): Record<string, unknown> {
	const wanted = typeof fieldsParam === 'string' && fieldsParam.trim() ? fieldsParam.split(',').map((f) => f.trim()) : defaults;
	const out: Record<string, unknown> = {};
	for (const f of wanted) {
		if (!(f in all)) throw new GraphError(400, 100, `(#100) Tried accessing nonexisting field (${f}) on node type (${nodeType})`);
		if (all[f] !== undefined) out[f] = all[f];
	}
	out['id'] = all['id'];
	return out;
}

const versionNumber = (v: string): number => {
	const [major, minor] = v.slice(1).split('.').map(Number);
	return major * 1000 + minor;
};

/**
 * The version a call is answered with: one Meta still serves as is; an expired one (older than
 * every served version) as the oldest served, which is what Meta does, counted so a test or a
 * trainer sees a client pinned to an expired version; a version newer than any served is unknown.
 */
function servedVersion(state: SandboxState, version: string): string | undefined {
	const served = state.config.graphVersions;
	if (served.includes(version)) return version;
	const oldest = [...served].sort((a, b) => versionNumber(a) - versionNumber(b))[0];
	if (oldest === undefined || versionNumber(version) > versionNumber(oldest)) return undefined;
	state.expiredVersionCalls++;
	return oldest;
}

export function graphRouter(state: SandboxState, handlers: GraphHandler[]): Router {
	const router = Router();

	const dispatch = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
		const { version, id } = req.params as { version: string; id: string; edge?: string };
		const edge = (req.params as { edge?: string }).edge;
		if (!VERSION.test(version)) return next();
		const served = servedVersion(state, version);
		if (!served) return next();
		const body: unknown = req.body;
		const params: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
		// An upload's raw bytes (a Buffer) are the file, not parameters.
		if (body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) Object.assign(params, body);
		const r: GraphRequest = {
			method: req.method === 'GET' ? 'GET' : req.method === 'DELETE' ? 'DELETE' : 'POST',
			version: served,
			id,
			edge,
			token: tokenOf(req),
			params,
			req,
		};
		try {
			for (const h of handlers) {
				const result = await h(r);
				if (result) {
					res.status(result.status ?? 200).json(result.body);
					return;
				}
			}
			// Nobody owns the id: the token decides between "bad token" and "no such object", as on Meta.
			requireToken(state, r, []);
			throw noSuchObject(id, r.method === 'GET' ? 'get' : 'post');
		} catch (err) {
			next(err);
		}
	};

	router.get('/:version/:id', dispatch);
	router.get('/:version/:id/:edge', dispatch);
	router.post('/:version/:id', dispatch);
	router.post('/:version/:id/:edge', dispatch);
	router.delete('/:version/:id', dispatch);
	router.delete('/:version/:id/:edge', dispatch);
	return router;
}

/** Meta's answer to a path it does not know on an object it does. */
export function unknownEdge(r: GraphRequest): GraphError {
	return new GraphError(400, 2500, `Unknown path components: /${r.edge ?? ''}`);
}
