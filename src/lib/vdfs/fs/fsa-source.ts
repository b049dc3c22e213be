import type { LocationKind } from '../api';
import { childPath, fsError, type DirListing, type FileSource, type ListOptions, type SourceEntry } from './source';

export interface FsaSourceOptions {
	/**
	 * File system calls in flight across all listings of this source: ~2k files/s one at a time,
	 * ~5k in parallel here. Capped, because calls queue in the browser's storage backend and an
	 * unbounded walk (thousands in flight) made each of SQLite's commits on OPFS wait 100–500 ms.
	 * @default 128
	 */
	concurrency?: number;
}

/**
 * A folder reached through the File System Access API: a picked folder (`fsa`) or Orrery's own
 * storage in the origin private file system (`opfs`); both are FileSystemDirectoryHandles.
 */
export class FsaSource implements FileSource {
	#dirs = new Map<string, FileSystemDirectoryHandle>();
	#slots: Slots;

	constructor(
		readonly root: FileSystemDirectoryHandle,
		readonly kind: LocationKind = 'fsa',
		options: FsaSourceOptions = {}
	) {
		this.#dirs.set('', root);
		this.#slots = new Slots(options.concurrency ?? 128);
	}

	async list(dirPath: string, signal?: AbortSignal, options?: ListOptions): Promise<DirListing> {
		const skip = new Set(options?.skipStat);
		const dir = await this.#dir(dirPath);
		const handles: FileSystemHandle[] = [];
		await this.#slots.run(async () => {
			try {
				for await (const handle of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
					signal?.throwIfAborted();
					handles.push(handle);
				}
			} catch (e) {
				throw fsError(e, dirPath || 'the location');
			}
		});
		const entries: SourceEntry[] = [];
		const problems: DirListing['problems'] = [];
		const stat = async (handle: FileSystemHandle) => {
			if (handle.kind === 'directory') {
				this.#dirs.set(childPath(dirPath, handle.name), handle as FileSystemDirectoryHandle);
				entries.push({ name: handle.name, isDir: true, size: 0, mtime: 0 });
				return;
			}
			if (skip.has(handle.name)) {
				entries.push({ name: handle.name, isDir: false, size: 0, mtime: 0, unread: true });
				return;
			}
			try {
				signal?.throwIfAborted();
				const file = await this.#slots.run(() => (handle as FileSystemFileHandle).getFile());
				entries.push({ name: handle.name, isDir: false, size: file.size, mtime: file.lastModified });
			} catch (e) {
				const err = fsError(e, childPath(dirPath, handle.name));
				if (err.code === 'PermissionLost' || err.code === 'Cancelled') throw err;
				problems.push({
					name: handle.name,
					code: err.code === 'NotFound' ? 'NotFound' : 'NotReadable',
					message: err.message
				});
			}
		};
		await Promise.all(handles.map(stat));
		return { entries, problems };
	}

	async file(path: string): Promise<File> {
		const slash = path.lastIndexOf('/');
		const dir = await this.#dir(slash < 0 ? '' : path.slice(0, slash));
		try {
			return await (await dir.getFileHandle(path.slice(slash + 1))).getFile();
		} catch (e) {
			throw fsError(e, path);
		}
	}

	async #dir(path: string): Promise<FileSystemDirectoryHandle> {
		const cached = this.#dirs.get(path);
		if (cached) return cached;
		const slash = path.lastIndexOf('/');
		const parent = await this.#dir(slash < 0 ? '' : path.slice(0, slash));
		try {
			const dir = await parent.getDirectoryHandle(path.slice(slash + 1));
			this.#dirs.set(path, dir);
			return dir;
		} catch (e) {
			throw fsError(e, path);
		}
	}
}

/** A counting semaphore: at most `size` calls of run() in flight, the rest wait in order. */
class Slots {
	#free: number;
	#waiting: (() => void)[] = [];

	constructor(size: number) {
		this.#free = Math.max(1, size);
	}

	async run<T>(fn: () => Promise<T>): Promise<T> {
		if (this.#free > 0) this.#free--;
		else await new Promise<void>((resolve) => this.#waiting.push(resolve));
		try {
			return await fn();
		} finally {
			const next = this.#waiting.shift();
			if (next) next();
			else this.#free++;
		}
	}
}
