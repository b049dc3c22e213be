import type { LocationKind } from '../api';
import { childPath, fsError, type DirListing, type FileSource, type SourceEntry } from './source';

export interface FsaSourceOptions {
	/** getFile() calls in flight per folder: ~2k files/s one at a time, ~5k in parallel here. @default 16 */
	concurrency?: number;
}

/**
 * A folder reached through the File System Access API: a picked folder (`fsa`) or Orrery's own
 * storage in the origin private file system (`opfs`); both are FileSystemDirectoryHandles.
 */
export class FsaSource implements FileSource {
	#dirs = new Map<string, FileSystemDirectoryHandle>();
	#concurrency: number;

	constructor(
		readonly root: FileSystemDirectoryHandle,
		readonly kind: LocationKind = 'fsa',
		options: FsaSourceOptions = {}
	) {
		this.#dirs.set('', root);
		this.#concurrency = options.concurrency ?? 16;
	}

	async list(dirPath: string, signal?: AbortSignal): Promise<DirListing> {
		const dir = await this.#dir(dirPath);
		const handles: FileSystemHandle[] = [];
		try {
			for await (const handle of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
				signal?.throwIfAborted();
				handles.push(handle);
			}
		} catch (e) {
			throw fsError(e, dirPath || 'the location');
		}
		const entries: SourceEntry[] = [];
		const problems: DirListing['problems'] = [];
		let next = 0;
		const worker = async () => {
			while (next < handles.length) {
				signal?.throwIfAborted();
				const handle = handles[next++];
				if (handle.kind === 'directory') {
					this.#dirs.set(childPath(dirPath, handle.name), handle as FileSystemDirectoryHandle);
					entries.push({ name: handle.name, isDir: true, size: 0, mtime: 0 });
					continue;
				}
				try {
					const file = await (handle as FileSystemFileHandle).getFile();
					entries.push({ name: handle.name, isDir: false, size: file.size, mtime: file.lastModified });
				} catch (e) {
					const err = fsError(e, childPath(dirPath, handle.name));
					if (err.code === 'PermissionLost') throw err;
					problems.push({
						name: handle.name,
						code: err.code === 'NotFound' ? 'NotFound' : 'NotReadable',
						message: err.message
					});
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(this.#concurrency, handles.length) }, worker));
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
