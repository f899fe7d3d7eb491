/**
 * The first dashboard login is never lost (issue 13 item 3): its password is in a mode-600 file in
 * the data folder before the account exists, the same login comes back on every start, it opens
 * the dashboard, and the file goes once the admin has changed the password. And the overview tells
 * an admin (only) which part of `npm start` did not come up (item 2).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIRST_ADMIN_FILE, firstAdminLogin } from '../../cli/admin';
import { findUserForLogin, hashPassword, updateUser } from '../../core/auth';
import { createApp } from '../../dashboard/app';
import type { StartProblem } from '../../dashboard/deps';
import { describeEachEngine } from '../helpers/db';
import { loginAgent } from '../dashboard/helpers';

describeEachEngine('first dashboard login', (ctx) => {
	let dataDir: string;
	// One app for the file: the test harness remembers each user's authenticator per app.
	const problems: StartProblem[] = [];
	let app: ReturnType<typeof createApp>;
	beforeAll(() => {
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-first-'));
		app = createApp({ db: ctx.db, publicUrl: 'http://localhost:3000', startProblems: async () => problems });
	});
	afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

	test('made once, kept mode 600, the same on the next start, and it logs in', async () => {
		const first = await firstAdminLogin(ctx.db, dataDir);
		expect(first).toMatchObject({ username: 'admin', created: true, file: path.join(dataDir, FIRST_ADMIN_FILE) });
		expect(fs.statSync(first!.file).mode & 0o777).toBe(0o600);
		expect(fs.readFileSync(first!.file, 'utf8')).toBe(`admin\n${first!.password}\n`);
		const again = await firstAdminLogin(ctx.db, dataDir);
		expect(again).toEqual({ ...first, created: false });
		await loginAgent(app, again!.username, again!.password);
	});

	test('a file left by a start that died before the account was made is replaced, not trusted', async () => {
		const other = fs.mkdtempSync(path.join(os.tmpdir(), 'mitan-first-'));
		try {
			// The users table is not empty here (the test above made one): a stale file of another folder is simply dropped.
			fs.writeFileSync(path.join(other, FIRST_ADMIN_FILE), 'admin\nnot-the-password\n', { mode: 0o600 });
			expect(await firstAdminLogin(ctx.db, other)).toBeNull();
			expect(fs.existsSync(path.join(other, FIRST_ADMIN_FILE))).toBe(false);
		} finally {
			fs.rmSync(other, { recursive: true, force: true });
		}
	});

	test('once the admin changes the password the file is removed and nothing is printed any more', async () => {
		const user = await findUserForLogin(ctx.db, 'admin');
		await updateUser(ctx.db, user!.id, { passwordHash: await hashPassword('A-new-admin-password-1') });
		expect(await firstAdminLogin(ctx.db, dataDir)).toBeNull();
		expect(fs.existsSync(path.join(dataDir, FIRST_ADMIN_FILE))).toBe(false);
		expect(await firstAdminLogin(ctx.db, dataDir)).toBeNull();
	});

	test('the overview shows an admin what did not start, its log and the retry command; a viewer sees no banner', async () => {
		problems.push({
			part: 'n8n',
			problem: 'SQLite package has not been found <installed>',
			log: '/data/n8n/logs/start-failure.log',
			retry: 'npm run n8n:retry',
		});
		const { agent } = await loginAgent(app, 'admin', 'A-new-admin-password-1');
		const hi = await agent.get('/').expect(200);
		expect(hi.text).toContain('n8n शुरू नहीं हुआ');
		expect(hi.text).toContain('SQLite package has not been found &lt;installed&gt;');
		expect(hi.text).toContain('/data/n8n/logs/start-failure.log');
		expect(hi.text).toContain('npm run n8n:retry');
		await updateUser(ctx.db, (await findUserForLogin(ctx.db, 'admin'))!.id, { language: 'en' });
		expect((await agent.get('/').expect(200)).text).toContain('n8n did not start');
		problems.length = 0;
		expect((await agent.get('/').expect(200)).text).not.toContain('start-problem');

		problems.push({ part: 'sandbox', problem: 'listen EADDRINUSE', log: 'terminal', retry: 'npm run sandbox:retry' });
		const { createUserAsAdmin } = await import('../../core/auth');
		const admin = await findUserForLogin(ctx.db, 'admin');
		await createUserAsAdmin(ctx.db, admin!, {
			username: 'viewer1',
			password: 'kettle-Monsoon-ribbon-47',
			role: 'viewer',
			districtId: null,
		} as never);
		const viewer = await loginAgent(app, 'viewer1', 'kettle-Monsoon-ribbon-47');
		expect((await viewer.agent.get('/').expect(200)).text).not.toContain('start-problem');
		expect((await agent.get('/').expect(200)).text).toContain('npm run sandbox:retry');
	});
});
