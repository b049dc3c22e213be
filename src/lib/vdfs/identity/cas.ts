import { createBLAKE3, type IHasher } from 'hash-wasm';
import { VdfsError } from '../errors';

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

/** Bytes already in memory as ranged bytes. */
export function memoryBytes(bytes: Uint8Array): RangedBytes {
	return { size: bytes.length, read: (start, end) => Promise.resolve(bytes.subarray(start, end)) };
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

/**
 * Files up to this size are read in one piece and their samples hashed from memory: five
 * 10 KiB slices cost 3.5x one whole 100 KiB read here (DESIGN.md §1).
 */
export const READ_WHOLE_UP_TO = 300 * 1024;

/** Little-endian u64 of a size (sizes stay below 2^53, so two 32-bit halves suffice). */
export function leU64(n: number): Uint8Array {
	const bytes = new Uint8Array(8);
	const view = new DataView(bytes.buffer);
	view.setUint32(0, n % 2 ** 32, true);
	view.setUint32(4, Math.floor(n / 2 ** 32), true);
	return bytes;
}

let shared: Promise<IHasher> | undefined;

/**
 * The ranges a content id covers, read (in parallel: each read is a round trip to the browser
 * process) and checked for length. A short range means the file changed while it was read.
 */
export async function readCasRanges(bytes: RangedBytes): Promise<Uint8Array[]> {
	return Promise.all(
		casRanges(bytes.size).map(async ([start, end]) => {
			const chunk = await bytes.read(start, end);
			if (chunk.length !== end - start) {
				throw new VdfsError(
					'NotReadable',
					`Read ${chunk.length} bytes at ${start} where ${end - start} were expected: the file changed while it was read.`
				);
			}
			return chunk;
		})
	);
}

/**
 * The content id of ranges read by readCasRanges. Hashing is synchronous once the bytes are in,
 * so one BLAKE3 instance serves every call, however many files are read at once.
 */
export async function casIdOfRanges(size: number, chunks: readonly Uint8Array[]): Promise<CasId> {
	shared ??= createBLAKE3();
	const hasher = await shared;
	hasher.init();
	hasher.update(leU64(size));
	for (const chunk of chunks) hasher.update(chunk);
	return hasher.digest('hex').slice(0, 16) as CasId;
}

/**
 * The content id of some bytes; null for an empty file (it has none). Throws if a range comes
 * back short (the file changed while it was read), so a file is never given a wrong id.
 */
export async function casId(bytes: RangedBytes): Promise<CasId | null> {
	if (bytes.size === 0) return null;
	return casIdOfRanges(bytes.size, await readCasRanges(bytes));
}

/** Full hashes read this much at a time: big enough to keep the read cost low, small enough to hold. */
const FULL_HASH_CHUNK = 8 * 1024 * 1024;

export interface FullHashOptions {
	signal?: AbortSignal;
	/** Bytes hashed so far, after each chunk. */
	onBytes?: (done: number) => void;
}

/**
 * The full BLAKE3 (64 hex chars) of a file, read in 8 MiB slices so that a file of any size
 * costs 8 MiB of memory. A slice that comes back short means the file changed: it throws.
 */
export async function fullHash(bytes: RangedBytes, options: FullHashOptions = {}): Promise<string> {
	const hasher = await createBLAKE3();
	hasher.init();
	for (let at = 0; at < bytes.size; at += FULL_HASH_CHUNK) {
		options.signal?.throwIfAborted();
		const end = Math.min(bytes.size, at + FULL_HASH_CHUNK);
		const chunk = await bytes.read(at, end);
		if (chunk.length !== end - at) {
			throw new VdfsError('NotReadable', 'The file changed while it was read; its checksum will be taken again.');
		}
		hasher.update(chunk);
		options.onBytes?.(end);
	}
	return hasher.digest('hex');
}
