import { VdfsError, toVdfsError } from '../errors';
import { fsError, type FileSource } from '../fs/source';
import type { ContentKind } from '../api';
import { readMedia, type MediaResult, type ThumbTarget } from '../media/media';
import { fullHashOfFile, identifyFile, type Identity } from './identify';

export interface HashProgressOptions {
	signal?: AbortSignal;
	/** Bytes hashed so far. */
	onBytes?: (done: number) => void;
}

/**
 * A file to identify: a File in hand (an imported snapshot, a test), or a path under a folder
 * handle, which the hasher opens itself. The second spares the core thread two round trips to
 * the browser per file and the hop of a File between threads (bench identify: both threads sat
 * idle half the time waiting on each other).
 */
export type FileRef = { file: File } | { root: FileSystemDirectoryHandle; path: string };

/** What the index says of the file: a file that differs changed after it was indexed. */
export interface Indexed {
	/** Location-relative path, for messages. */
	path: string;
	size: number;
	mtime: number | null;
}

/** One file of a batch to identify. */
export interface IdentifyItem {
	ref: FileRef;
	indexed: Indexed;
}

/** What became of one file of a batch: its identity, or why it has none (a VdfsError). */
export type IdentifyResult = { identity: Identity } | { error: VdfsError };

/**
 * Where files are read and hashed: in this thread (Node tests, a browser without workers) or in
 * a pool of hasher workers (HasherPool). Errors are VdfsErrors (`NotReadable` for a file that
 * changed since it was indexed or while it was read, `NotFound` for one that vanished).
 */
export interface Hasher {
	/** Batches a job keeps in flight, so that no worker waits for its next one. */
	readonly batches: number;
	/** Workers behind it (1 for the local hasher); reported by jobs and benchmarks. */
	readonly workers: number;
	/**
	 * Identifies a batch of files, several at a time, calling `each` with each file's index in
	 * the batch and result as it comes (not in order). Resolves when every file has its result;
	 * rejects only when cancelled.
	 */
	identifyMany(
		items: readonly IdentifyItem[],
		each: (index: number, result: IdentifyResult) => void,
		signal?: AbortSignal
	): Promise<void>;
	fullHash(file: File, options?: HashProgressOptions): Promise<string>;
	/** Media facts of an image and its thumbnail, stored at `target` (see readMedia). */
	media(item: IdentifyItem, kind: ContentKind, target: ThumbTarget, signal?: AbortSignal): Promise<MediaResult>;
	/** Forgets a folder handle a job is done with (and what was looked up under it). */
	release?(root: FileSystemDirectoryHandle): void;
	close?(): void;
}

/**
 * Runs `work` over `count` indexes with at most `inFlight` at once (a file read is a round trip
 * to the browser process: several in flight keep the thread hashing while bytes arrive).
 */
export async function eachConcurrently(
	count: number,
	inFlight: number,
	work: (index: number) => Promise<void>,
	signal?: AbortSignal
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < count) {
			signal?.throwIfAborted();
			await work(next++);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, count)) }, lane));
}

/** Folder handles already looked up under one root, shared by the files read at once. */
export class DirCache {
	#dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();

	constructor(private readonly root: FileSystemDirectoryHandle) {}

	/** The File at a path, checked against the index. */
	async open(indexed: Indexed): Promise<File> {
		const { path } = indexed;
		const slash = path.lastIndexOf('/');
		const dirPath = slash < 0 ? '' : path.slice(0, slash);
		let file: File;
		try {
			const dir = await this.#dir(dirPath);
			file = await (await dir.getFileHandle(path.slice(slash + 1))).getFile();
		} catch (e) {
			// A folder moved or deleted since: look it up afresh next time.
			this.#forget(dirPath);
			throw fsError(e, path);
		}
		checkIndexed(file, indexed);
		return file;
	}

	#dir(path: string): Promise<FileSystemDirectoryHandle> {
		if (path === '') return Promise.resolve(this.root);
		let dir = this.#dirs.get(path);
		if (!dir) {
			// Bounded: a library of many folders does not keep them all.
			if (this.#dirs.size >= 10_000) this.#dirs.clear();
			const slash = path.lastIndexOf('/');
			dir = this.#dir(slash < 0 ? '' : path.slice(0, slash)).then((parent) =>
				parent.getDirectoryHandle(path.slice(slash + 1))
			);
			this.#dirs.set(path, dir);
		}
		return dir;
	}

	#forget(path: string): void {
		for (let p = path; p !== ''; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) this.#dirs.delete(p);
	}
}

/**
 * How a job hands a hasher one of a source's files: by path under the source's folder handle,
 * which the hasher opens in its own thread, or (a source without one) as the File itself.
 */
export async function fileRef(source: FileSource, path: string): Promise<FileRef> {
	if (source.root) return { root: source.root, path };
	try {
		return { file: await source.file(path) };
	} catch (e) {
		throw fsError(e, path);
	}
}

/** The File a ref names, checked against the index. */
export function openRef<R>(
	ref: { file: File } | { root: R; path: string },
	indexed: Indexed,
	cacheOf: (root: R) => DirCache | undefined
): Promise<File> {
	if ('file' in ref) {
		checkIndexed(ref.file, indexed);
		return Promise.resolve(ref.file);
	}
	const cache = cacheOf(ref.root);
	if (!cache) return Promise.reject(new VdfsError('Internal', 'The hasher was not given this location’s folder.'));
	return cache.open(indexed);
}

/** Throws `NotReadable` if a file is not what the index holds: it changed after it was indexed. */
export function checkIndexed(file: File, indexed: Indexed): void {
	if (file.size !== indexed.size || file.lastModified !== indexed.mtime) {
		throw new VdfsError(
			'NotReadable',
			`“${indexed.path}” changed after it was indexed; it gets its content id after the next rescan.`,
			{ path: indexed.path }
		);
	}
}

/** Hashes in the calling thread, `inFlight` files at a time. */
export class LocalHasher implements Hasher {
	readonly workers = 1;
	readonly batches = 2;
	#caches = new WeakMap<FileSystemDirectoryHandle, DirCache>();

	constructor(private readonly inFlight = 8) {}

	identifyMany(
		items: readonly IdentifyItem[],
		each: (index: number, result: IdentifyResult) => void,
		signal?: AbortSignal
	): Promise<void> {
		return eachConcurrently(
			items.length,
			this.inFlight,
			async (i) => {
				const { ref, indexed } = items[i];
				try {
					const file = await openRef(ref, indexed, (root) => this.#cache(root));
					each(i, { identity: await identifyFile(file, indexed.path) });
				} catch (e) {
					each(i, { error: toVdfsError(e) });
				}
			},
			signal
		);
	}

	fullHash(file: File, options?: HashProgressOptions): Promise<string> {
		return fullHashOfFile(file, file.name, options);
	}

	#cache(root: FileSystemDirectoryHandle): DirCache {
		let cache = this.#caches.get(root);
		if (!cache) this.#caches.set(root, (cache = new DirCache(root)));
		return cache;
	}

	async media(item: IdentifyItem, kind: ContentKind, target: ThumbTarget, signal?: AbortSignal): Promise<MediaResult> {
		signal?.throwIfAborted();
		const file = await openRef(item.ref, item.indexed, (root) => this.#cache(root));
		try {
			return await readMedia(file, kind, target);
		} catch (e) {
			throw fsError(e, item.indexed.path);
		}
	}
}
