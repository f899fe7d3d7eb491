/**
 * The one settings resolver: explicit option > environment > default, for every process the
 * project runs (gateway, CLI, the sandbox alone); an empty variable counts as unset.
 */
import { GRAPH_API_VERSION, SANDBOX_DEFAULT_PORT } from '../../core/channels/api';
import { resolveConfig } from '../../core/config';

test('defaults, then the environment, then explicit options', () => {
	const d = resolveConfig({}, {});
	expect(d).toMatchObject({
		port: 3000,
		host: '127.0.0.1',
		sandboxPort: SANDBOX_DEFAULT_PORT,
		sandboxHost: '127.0.0.1',
		timezone: 'Asia/Kolkata',
	});
	expect(d.sandboxConfigFile).toBeUndefined();
	expect(d.whatsapp.graphVersion).toBe(GRAPH_API_VERSION);
	const env = { SANDBOX_PORT: '4210', SANDBOX_HOST: '0.0.0.0', SANDBOX_CONFIG: '/tmp/sb.json', PORT: '4110', HOST: '0.0.0.0' };
	expect(resolveConfig({}, env)).toMatchObject({
		port: 4110,
		sandboxPort: 4210,
		sandboxHost: '0.0.0.0',
		sandboxConfigFile: '/tmp/sb.json',
	});
	expect(resolveConfig({ sandboxPort: 4211, sandboxHost: '::1' }, env)).toMatchObject({ sandboxPort: 4211, sandboxHost: '::1' });
	expect(resolveConfig({}, { SANDBOX_PORT: '', SANDBOX_CONFIG: '' })).toMatchObject({ sandboxPort: SANDBOX_DEFAULT_PORT });
	expect(resolveConfig({}, { SANDBOX_PORT: '0' }).sandboxPort).toBe(0);
});

test('a bad port in the environment is refused, naming it', () => {
	expect(() => resolveConfig({}, { SANDBOX_PORT: 'x' })).toThrow(/port number: x/);
	expect(() => resolveConfig({}, { SANDBOX_PORT: '70000' })).toThrow(/port number: 70000/);
});

test("the in-doubt quiet window: 15 minutes by default, the environment's whole seconds, anything else refused naming it", () => {
	expect(resolveConfig({}, {}).inDoubtQuietSeconds).toBe(900);
	expect(resolveConfig({}, { MITAN_IN_DOUBT_QUIET_SECONDS: '120' }).inDoubtQuietSeconds).toBe(120);
	expect(resolveConfig({ inDoubtQuietSeconds: 60 }, { MITAN_IN_DOUBT_QUIET_SECONDS: '120' }).inDoubtQuietSeconds).toBe(60);
	for (const bad of ['x', '-1', '1.5', '86401'])
		expect(() => resolveConfig({}, { MITAN_IN_DOUBT_QUIET_SECONDS: bad })).toThrow(/MITAN_IN_DOUBT_QUIET_SECONDS/);
});

test("the media sweep's interval: 5 minutes by default, 0 turns it off, anything else refused naming it", () => {
	expect(resolveConfig({}, {}).mediaSweepSeconds).toBe(300);
	expect(resolveConfig({}, { MITAN_MEDIA_SWEEP_SECONDS: '0' }).mediaSweepSeconds).toBe(0);
	expect(resolveConfig({ mediaSweepSeconds: 60 }, { MITAN_MEDIA_SWEEP_SECONDS: '120' }).mediaSweepSeconds).toBe(60);
	for (const bad of ['x', '-1', '1.5', '86401'])
		expect(() => resolveConfig({}, { MITAN_MEDIA_SWEEP_SECONDS: bad })).toThrow(/MITAN_MEDIA_SWEEP_SECONDS/);
});
