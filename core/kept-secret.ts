import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * A secret `npm start` makes on first use and keeps in the data folder, mode 600 (the folder is
 * 700), like n8n's owner password and encryption key (cli/n8n.ts): nothing secret lives in the
 * repository or the environment, and the file is the one place an operator looks it up.
 */
export function keptSecret(dir: string, fileName: string): string {
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const file = path.join(dir, fileName);
	try {
		fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' });
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
	}
	fs.chmodSync(file, 0o600);
	return fs.readFileSync(file, 'utf8').trim();
}
