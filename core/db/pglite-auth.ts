/**
 * A password in front of the embedded database's port. @electric-sql/pglite-socket has no
 * authentication (any local account could connect with any user name), so the socket server
 * listens on a Unix socket inside the data folder (mode 700: only this account can reach it) and
 * this front door, on the TCP port, lets a connection through only after SCRAM-SHA-256 with the
 * generated password (the method PostgreSQL itself uses; postgres.js, psql and n8n all speak it,
 * and the password never crosses the socket). After authentication the client's own startup
 * message goes to PGlite, whose AuthenticationOk completes the exchange; then bytes are piped.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'crypto';
import * as net from 'net';
import { MitanError } from '../errors';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const ITERATIONS = 4096;
const AUTH_TIMEOUT_MS = 10_000;

export interface PasswordDoor {
	port: number;
	close(): Promise<void>;
}

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

function authMessage(code: number, body: Buffer = Buffer.alloc(0)): Buffer {
	const b = Buffer.alloc(9 + body.length);
	b.write('R', 0);
	b.writeInt32BE(8 + body.length, 1);
	b.writeInt32BE(code, 5);
	body.copy(b, 9);
	return b;
}

function fatal(code: string, message: string): Buffer {
	const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
	const b = Buffer.alloc(5 + fields.length);
	b.write('E', 0);
	b.writeInt32BE(4 + fields.length, 1);
	fields.copy(b, 5);
	return b;
}

/** Reads whole protocol packets from a socket that has not been handed to PGlite yet. */
class Packets {
	private buf = Buffer.alloc(0);
	push(chunk: Buffer): void {
		this.buf = Buffer.concat([this.buf, chunk]);
	}
	/** A startup-phase packet (no type byte): length then body. */
	startup(): Buffer | undefined {
		if (this.buf.length < 8) return undefined;
		const len = this.buf.readInt32BE(0);
		if (len < 8 || len > 10_000) throw new MitanError('PGLITE_BAD_PACKET', 'bad startup packet');
		return this.take(len);
	}
	/** A typed message ('p' for the SASL answers). */
	typed(): { type: string; body: Buffer } | undefined {
		if (this.buf.length < 5) return undefined;
		const len = this.buf.readInt32BE(1);
		if (len < 4 || len > 10_000) throw new MitanError('PGLITE_BAD_PACKET', 'bad message');
		const m = this.take(len + 1);
		return m && { type: String.fromCharCode(m[0]), body: m.subarray(5) };
	}
	rest(): Buffer {
		const r = this.buf;
		this.buf = Buffer.alloc(0);
		return r;
	}
	private take(n: number): Buffer | undefined {
		if (this.buf.length < n) return undefined;
		const out = this.buf.subarray(0, n);
		this.buf = this.buf.subarray(n);
		return out;
	}
}

function userOf(startup: Buffer): string {
	const parts = startup.subarray(8).toString('utf8').split('\0');
	const i = parts.indexOf('user');
	return i >= 0 ? parts[i + 1] : '';
}

/** The password's SCRAM keys, computed once: a connection costs two HMACs, not a PBKDF2. */
function scramKeys(password: string) {
	const salt = randomBytes(16);
	const salted = pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
	const clientKey = hmac(salted, 'Client Key');
	return { salt, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

export async function servePasswordDoor(opts: {
	host: string;
	port: number;
	password: string;
	upstreamPath: string;
}): Promise<PasswordDoor> {
	const keys = scramKeys(opts.password);
	const sockets = new Set<net.Socket>();

	const handle = (client: net.Socket): void => {
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		client.on('error', () => client.destroy());
		const timer = setTimeout(() => client.destroy(), AUTH_TIMEOUT_MS);
		const packets = new Packets();
		let stage: 'startup' | 'first' | 'final' | 'done' = 'startup';
		let startup: Buffer | undefined;
		let user = '';
		let clientFirstBare = '';
		let serverFirst = '';
		let nonce = '';

		const refuse = (): void => {
			stage = 'done';
			clearTimeout(timer);
			client.end(fatal('28P01', `password authentication failed for user "${user.replace(/[^\w.@-]/g, '?').slice(0, 63)}"`));
		};
		const admit = (): void => {
			stage = 'done';
			clearTimeout(timer);
			client.removeAllListeners('data');
			const upstream = net.connect(opts.upstreamPath);
			sockets.add(upstream);
			upstream.on('close', () => {
				sockets.delete(upstream);
				client.destroy();
			});
			upstream.on('error', () => client.destroy());
			client.on('close', () => upstream.destroy());
			upstream.write(startup!);
			const rest = packets.rest();
			if (rest.length) upstream.write(rest);
			client.pipe(upstream);
			upstream.pipe(client);
		};

		const step = (): void => {
			for (;;) {
				if (stage === 'done') return;
				if (stage === 'startup') {
					const p = packets.startup();
					if (!p) return;
					const code = p.readInt32BE(4);
					if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
						client.write('N');
						continue;
					}
					if (code === CANCEL_REQUEST) return void client.destroy();
					startup = p;
					user = userOf(p);
					client.write(authMessage(10, Buffer.from('SCRAM-SHA-256\0\0')));
					stage = 'first';
				} else {
					const m = packets.typed();
					if (!m) return;
					if (m.type !== 'p') return refuse();
					if (stage === 'first') {
						const mech = m.body.toString('latin1', 0, m.body.indexOf(0));
						const data = m.body.subarray(mech.length + 5).toString('utf8');
						const match = /^n,,(n=[^,]*,r=([!-+\--~]+))$/.exec(data);
						if (mech !== 'SCRAM-SHA-256' || !match) return refuse();
						clientFirstBare = match[1];
						nonce = match[2] + randomBytes(18).toString('base64');
						serverFirst = `r=${nonce},s=${keys.salt.toString('base64')},i=${ITERATIONS}`;
						client.write(authMessage(11, Buffer.from(serverFirst)));
						stage = 'final';
					} else {
						const final = m.body.toString('utf8');
						const match = /^(c=biws,r=([^,]+)),p=([A-Za-z0-9+/=]+)$/.exec(final);
						if (!match || match[2] !== nonce) return refuse();
						const auth = `${clientFirstBare},${serverFirst},${match[1]}`;
						const proof = Buffer.from(match[3], 'base64');
						const signature = hmac(keys.storedKey, auth);
						if (proof.length !== signature.length) return refuse();
						const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
						if (!timingSafeEqual(sha256(clientKey), keys.storedKey)) return refuse();
						client.write(authMessage(12, Buffer.from(`v=${hmac(keys.serverKey, auth).toString('base64')}`)));
						return admit();
					}
				}
			}
		};

		client.on('data', (chunk: Buffer) => {
			packets.push(chunk);
			try {
				step();
			} catch {
				client.destroy();
			}
		});
	};

	const server = net.createServer(handle);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, opts.host, () => resolve());
	});
	return {
		port: (server.address() as net.AddressInfo).port,
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}
