import { createBLAKE3 } from 'hash-wasm';

/** A content id: the first 16 hex chars of a sampled BLAKE3 (DESIGN.md §3, Spacedrive's cas_id). */
export type CasId = string & { readonly __brand: 'CasId' };

/** Files up to this size are hashed whole. */
export const MINIMUM_FILE_SIZE = 100 * 1024;
const HEADER_OR_FOOTER_SIZE = 8 * 1024;
const SAMPLE_COUNT = 4;
const SAMPLE_SIZE = 10 * 1024;

/** What a content id is computed from: anything that can hand out byte ranges (a File, a test double). */
export interface RangedBytes {
	readonly size: number;
	/** Bytes [start, end). */
	read(start: number, end: number): Promise<Uint8Array>;
}

/** A File (or Blob) as ranged bytes: each range is one `slice()`, so a 50 GB file costs six small reads. */
export function fileBytes(file: Blob): RangedBytes {
	return {
		size: file.size,
		read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer())
	};
}

/**
 * The byte ranges a content id reads, in order: the whole file up to 100 KiB, else the first
 * 8 KiB, four 10 KiB samples spread over the middle, and the last 8 KiB.
 */
export function casRanges(size: number): [number, number][] {
	if (size <= MINIMUM_FILE_SIZE) return [[0, size]];
	const ranges: [number, number][] = [[0, HEADER_OR_FOOTER_SIZE]];
	const step = Math.floor((size - 2 * HEADER_OR_FOOTER_SIZE) / SAMPLE_COUNT);
	for (let k = 0; k < SAMPLE_COUNT; k++) {
		const start = HEADER_OR_FOOTER_SIZE + k * step;
		ranges.push([start, start + SAMPLE_SIZE]);
	}
	ranges.push([size - HEADER_OR_FOOTER_SIZE, size]);
	return ranges;
}

/** Little-endian u64 of a size (sizes stay below 2^53, so two 32-bit halves suffice). */
function leU64(n: number): Uint8Array {
	const bytes = new Uint8Array(8);
	const view = new DataView(bytes.buffer);
	view.setUint32(0, n % 2 ** 32, true);
	view.setUint32(4, Math.floor(n / 2 ** 32), true);
	return bytes;
}

/**
 * The content id of some bytes; null for an empty file (it has none). Throws if a range comes
 * back short (the file changed while it was read), so a file is never given a wrong id.
 */
export async function casId(bytes: RangedBytes): Promise<CasId | null> {
	const size = bytes.size;
	if (size === 0) return null;
	const hasher = await createBLAKE3();
	hasher.init();
	hasher.update(leU64(size));
	for (const [start, end] of casRanges(size)) {
		const chunk = await bytes.read(start, end);
		if (chunk.length !== end - start) {
			throw new Error(`Read ${chunk.length} bytes at ${start} where ${end - start} were expected: the file changed.`);
		}
		hasher.update(chunk);
	}
	return hasher.digest('hex').slice(0, 16) as CasId;
}
