'use strict';
/**
 * What an n8n instance's SQLite database holds: workflow ids, names and active flags, credential
 * ids, and the nodes of the workflows asked for. Read with n8n's own Node 24 and sqlite3
 * (read-only, no n8n boot: a fraction of a second, where `n8n list:workflow` takes seconds), so
 * `npm start` can import only what is absent (cli/n8n-imports.ts). A folder n8n never ran in holds
 * nothing. SQLite only: `npm start`'s n8n; PostgreSQL setups are not inspected here.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');

function readInventory(instance, { nodesOf = [] } = {}) {
	const file = path.join(instance.userFolder, '.n8n', 'database.sqlite');
	if (instance.db.type !== 'sqlite') throw new Error(`inventory() reads SQLite only (this instance uses ${instance.db.type})`);
	if (!fs.existsSync(file)) return Promise.resolve({ workflows: [], credentials: [], nodes: {} });
	const script = `
const sqlite3 = require(${JSON.stringify(path.join(instance.paths.nodeModules, 'sqlite3'))});
const [file, ids] = [process.argv[1], JSON.parse(process.argv[2])];
const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) => e && fail(e));
function fail(e) { process.stderr.write(String(e && e.message || e)); process.exit(1); }
const all = (sql, args = []) => new Promise((ok, no) => db.all(sql, args, (e, rows) => (e && !/no such table/.test(e.message) ? no(e) : ok(rows || []))));
(async () => {
const workflows = (await all('SELECT id, name, active FROM workflow_entity')).map((w) => ({ ...w, active: !!w.active }));
const credentials = (await all('SELECT id FROM credentials_entity')).map((r) => r.id);
const nodes = {};
for (const id of ids) { const [r] = await all('SELECT nodes FROM workflow_entity WHERE id = ?', [id]); if (r) nodes[id] = JSON.parse(r.nodes); }
process.stdout.write(JSON.stringify({ workflows, credentials, nodes }));
db.close();
})().catch(fail);`;
	return new Promise((resolve, reject) => {
		execFile(instance.paths.nodeBin, ['-e', script, file, JSON.stringify(nodesOf)], { timeout: 60000 }, (e, stdout, stderr) => {
			if (e) reject(new Error(`cannot read n8n's database ${file}: ${stderr || e.message}`));
			else resolve(JSON.parse(stdout));
		});
	});
}

module.exports = { readInventory };
