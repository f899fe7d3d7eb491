/**
 * The line each E.164 number was first seen on, for one import: how a repeat within the file is
 * reported (line and first line). A Map of strings costs about 90 bytes a number (a million-row
 * file: ~90 MB of heap that must live to the end); this open-addressing table keeps the number as
 * its digits in a Float64Array (E.164 has at most 15 digits, exact in a double) and the line in an
 * Int32Array: 12 bytes a slot, at most half full.
 */
import { MitanError } from '../errors';

export class PhoneLines {
	private keys = new Float64Array(1 << 16);
	private lines = new Int32Array(1 << 16);
	private count = 0;

	get size(): number {
		return this.count;
	}

	/** The first line of `phone` (E.164, "+" and digits), or undefined when not seen yet. */
	get(phone: string): number | undefined {
		const i = this.slot(this.keys, toKey(phone));
		return this.keys[i] === 0 ? undefined : this.lines[i];
	}

	set(phone: string, line: number): void {
		if ((this.count + 1) * 2 > this.keys.length) this.grow();
		const k = toKey(phone);
		const i = this.slot(this.keys, k);
		if (this.keys[i] === 0) this.count++;
		this.keys[i] = k;
		this.lines[i] = line;
	}

	/** Linear probing; 0 marks an empty slot (no E.164 number is 0). */
	private slot(keys: Float64Array, k: number): number {
		const mask = keys.length - 1;
		// The low digits vary most; mix them so consecutive numbers do not cluster.
		let i = Math.imul((k % 2147483647) | 0, 0x9e3779b1) & mask;
		while (keys[i] !== 0 && keys[i] !== k) i = (i + 1) & mask;
		return i;
	}

	private grow(): void {
		const oldKeys = this.keys;
		const oldLines = this.lines;
		this.keys = new Float64Array(oldKeys.length * 2);
		this.lines = new Int32Array(oldKeys.length * 2);
		for (let j = 0; j < oldKeys.length; j++) {
			if (oldKeys[j] === 0) continue;
			const i = this.slot(this.keys, oldKeys[j]);
			this.keys[i] = oldKeys[j];
			this.lines[i] = oldLines[j];
		}
	}
}

function toKey(phone: string): number {
	const k = Number(phone.slice(1));
	// Callers pass numbers core/phone.ts already normalised: anything else is a bug here, not bad input.
	if (!Number.isSafeInteger(k) || k <= 0) throw new MitanError('INTERNAL', `not an E.164 number: ${phone.slice(0, 4)}…`);
	return k;
}
