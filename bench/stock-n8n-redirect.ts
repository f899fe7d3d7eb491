/**
 * Preloaded into the benchmark's n8n processes (NODE_OPTIONS=--require): n8n's stock WhatsApp
 * node has one constant base URL (https://graph.facebook.com/v13.0/ in its requestDefaults);
 * this points that one field at the sandbox (MITAN_BENCH_GRAPH_URL), nothing else. The same
 * change bench/stock-whatsapp.ts makes in-process.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import Module = require('node:module');

const target = process.env.MITAN_BENCH_GRAPH_URL;
type Loader = (request: string, parent: unknown, isMain: boolean) => any;
const internals = Module as unknown as { _load: Loader };
const original = internals._load;
const patched = new WeakSet<object>();

internals._load = function (request: string, parent: unknown, isMain: boolean) {
	const m = original.call(this, request, parent, isMain);
	if (target && /WhatsApp[\\/]WhatsApp\.node(\.js)?$/.test(request) && m?.WhatsApp && !patched.has(m)) {
		const Base = m.WhatsApp as new (...a: unknown[]) => { description: { requestDefaults?: Record<string, unknown> } };
		class Redirected extends Base {
			constructor(...a: unknown[]) {
				super(...a);
				this.description = { ...this.description, requestDefaults: { ...this.description.requestDefaults, baseURL: `${target}/v13.0/` } };
			}
		}
		m.WhatsApp = Redirected;
		patched.add(m);
	}
	return m;
};
