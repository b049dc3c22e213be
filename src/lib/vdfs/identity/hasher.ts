import { fullHashOfFile, identifyFile, type Identity } from './identify';

export interface HashProgressOptions {
	signal?: AbortSignal;
	/** Bytes hashed so far. */
	onBytes?: (done: number) => void;
}

/**
 * Where files are read and hashed: in this thread (Node tests, a browser without workers) or in
 * a pool of hasher workers (HasherPool). Errors are VdfsErrors (`NotReadable` for a file that
 * changed while it was read, `NotFound` for one that vanished).
 */
export interface Hasher {
	/** How many files this hasher reads at once; a job keeps about this many in flight. */
	readonly parallel: number;
	/** Workers behind it (1 for the local hasher); reported by jobs and benchmarks. */
	readonly workers: number;
	identify(file: File, signal?: AbortSignal): Promise<Identity>;
	fullHash(file: File, options?: HashProgressOptions): Promise<string>;
	close?(): void;
}

/** Hashes in the calling thread. */
export class LocalHasher implements Hasher {
	readonly workers = 1;
	constructor(readonly parallel = 8) {}

	identify(file: File, signal?: AbortSignal): Promise<Identity> {
		signal?.throwIfAborted();
		return identifyFile(file, file.name);
	}

	fullHash(file: File, options?: HashProgressOptions): Promise<string> {
		return fullHashOfFile(file, file.name, options);
	}
}
