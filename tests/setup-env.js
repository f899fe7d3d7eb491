// n8n-core's InstanceSettings writes <N8N_USER_FOLDER>/.n8n/config on first use: keep it out of $HOME.
const os = require('os');
const path = require('path');
const fs = require('fs');
if (!process.env.N8N_USER_FOLDER) {
	const dir = path.join(os.tmpdir(), 'mitan-jest-n8n');
	fs.mkdirSync(dir, { recursive: true });
	process.env.N8N_USER_FOLDER = dir;
}
// The erasure suppression list's key (core/erasure/key.ts): given, so no test writes one into a data folder.
if (!process.env.MITAN_SUPPRESSION_KEY) process.env.MITAN_SUPPRESSION_KEY = 'mitan-test-suppression-key-0000000000';
