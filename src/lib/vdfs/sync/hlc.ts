/**
 * Hybrid logical clock (DESIGN.md §5). A stamp is one string that sorts as (wall ms, counter,
 * device): plain string comparison orders ops, and ties between devices break by device id, so
 * every replica picks the same winner. Stamps are strictly monotonic on a device, also after it
 * has seen a stamp from a device whose clock runs ahead.
 */
export type Stamp = string & { readonly __brand: 'Stamp' };

const MS_DIGITS = 15;
const COUNTER_DIGITS = 6;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;

export interface HlcState {
	ms: number;
	counter: number;
}

export function formatStamp(ms: number, counter: number, device: string): Stamp {
	return `${String(ms).padStart(MS_DIGITS, '0')}.${String(counter).padStart(COUNTER_DIGITS, '0')}.${device}` as Stamp;
}

export function parseStamp(stamp: string): HlcState & { device: string } {
	const m = /^(\d{15})\.(\d{6})\.(.+)$/.exec(stamp);
	if (!m) throw new Error(`Not a clock stamp: “${stamp.slice(0, 80)}”`);
	return { ms: Number(m[1]), counter: Number(m[2]), device: m[3] };
}

export function isStamp(v: unknown): v is Stamp {
	return typeof v === 'string' && /^\d{15}\.\d{6}\..{1,64}$/.test(v);
}

export class Hlc {
	#ms: number;
	#counter: number;

	constructor(
		readonly device: string,
		last: HlcState = { ms: 0, counter: 0 },
		private readonly wallClock: () => number = Date.now
	) {
		this.#ms = last.ms;
		this.#counter = last.counter;
	}

	get state(): HlcState {
		return { ms: this.#ms, counter: this.#counter };
	}

	/** A stamp for a local change, above every stamp issued or received before. */
	now(): Stamp {
		const wall = this.wallClock();
		if (wall > this.#ms) {
			this.#ms = wall;
			this.#counter = 0;
		} else if (++this.#counter > MAX_COUNTER) {
			// A million stamps in one millisecond: borrow the next one (the string keeps its width).
			this.#ms++;
			this.#counter = 0;
		}
		return formatStamp(this.#ms, this.#counter, this.device);
	}

	/** Takes in a stamp from another replica, so that the next local stamp sorts after it. */
	receive(stamp: string): void {
		const { ms, counter } = parseStamp(stamp);
		if (ms > this.#ms || (ms === this.#ms && counter > this.#counter)) {
			this.#ms = ms;
			this.#counter = counter;
		}
	}
}
