/**
 * The project's one seedable PRNG (mulberry32): random rates (transient failures, read shares,
 * duplicates) and test schedules (kill points) must be reproducible, so a failing test or a
 * training scenario can be replayed with the same seed.
 */

/** A generator of uniform numbers in [0, 1) from a seed. */
export function mulberry32(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class Prng {
	/** Uniform in [0, 1). */
	readonly next: () => number;

	constructor(seed: number) {
		this.next = mulberry32(seed);
	}

	/** True with probability p (p <= 0 never draws, so a zero rate costs nothing and shifts nothing). */
	chance(p: number): boolean {
		if (p <= 0) return false;
		if (p >= 1) return true;
		return this.next() < p;
	}

	int(maxExclusive: number): number {
		return Math.floor(this.next() * maxExclusive);
	}
}

/** Stable small hash of a string (FNV-1a), for deterministic fake metrics per object id. */
export function hashString(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}
