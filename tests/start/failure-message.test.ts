/** A start that cannot bind its port says which one and what to do, in one line (not a stack). */
import * as net from 'node:net';
import { describeFailure } from '../../cli/mitan';
import { MitanError } from '../../core/errors';

test('a taken port names the address, the port and the settings that move it', async () => {
	const taken = net.createServer();
	await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
	const port = (taken.address() as net.AddressInfo).port;
	const second = net.createServer();
	const err = await new Promise<unknown>((r) => second.once('error', r).listen(port, '127.0.0.1'));
	taken.close();
	const text = describeFailure(err);
	expect(text).toContain(`error PORT_IN_USE: 127.0.0.1:${port} is already in use`);
	expect(text).toMatch(/MITAN_DB_PORT/);
	expect(text).toMatch(/पोर्ट/);
	expect(text).not.toMatch(/\n\s+at /);
});

test('a catalogued error is its code and message', () => {
	expect(describeFailure(new MitanError('CONFIG_INVALID', 'PORT: not a port number: x'))).toBe(
		'error CONFIG_INVALID: PORT: not a port number: x',
	);
});
