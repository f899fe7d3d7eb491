/**
 * The n8n install's environment and its native check, without installing anything (the real
 * repair under npm's hostile environment is tests/n8n/install.n8n.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installEnv, isInstalled, verifyNative } from '../../scripts/n8n/install';

test('npm settings of the calling process never reach the n8n install', () => {
	const env = installEnv({
		PATH: '/usr/bin',
		HOME: '/home/officer',
		MITAN_CACHE_DIR: '/cache',
		npm_config_ignore_scripts: 'true',
		NPM_CONFIG_IGNORE_SCRIPTS: 'true',
		npm_config_userconfig: '/repo/.npmrc',
		npm_package_name: 'police-mitan',
		npm_lifecycle_event: 'start',
		INIT_CWD: '/repo',
	});
	expect(env).toEqual({
		PATH: '/usr/bin',
		HOME: '/home/officer',
		MITAN_CACHE_DIR: '/cache',
		npm_config_update_notifier: 'false',
		npm_config_loglevel: 'error',
	});
});

test('an empty cache is neither installed nor verified, and the check says what is missing', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-empty-cache-'));
	try {
		const env = { ...process.env, MITAN_CACHE_DIR: dir };
		expect(isInstalled(env)).toBe(false);
		const r = await verifyNative(env);
		expect(r.ok).toBe(false);
		expect(r.error).toMatch(/Node 24 binary missing: .*mitan-empty-cache-/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
