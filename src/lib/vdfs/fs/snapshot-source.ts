import { VdfsError } from '../errors';
import type { DirListing, FileSource, SourceEntry } from './source';

/** One file of a one-off folder import, with its path inside the imported folder. */
export interface SnapshotFile {
	path: string;
	file: File;
}

/**
 * A one-off import (`<input webkitdirectory>` or a drop) for browsers without the folder
 * picker: read-only, and readable only while this page has the File objects. Folders are
 * implied by the files' paths (empty folders do not come through such an import).
 */
export class SnapshotSource implements FileSource {
	readonly kind = 'snapshot' as const;
	#dirs = new Map<string, Map<string, File | null>>();

	constructor(files: readonly SnapshotFile[]) {
		this.#dirs.set('', new Map());
		for (const { path, file } of files) {
			const parts = path.split('/').filter(Boolean);
			let dir = '';
			for (let i = 0; i < parts.length; i++) {
				const name = parts[i];
				const children = this.#dirs.get(dir)!;
				if (i === parts.length - 1) {
					children.set(name, file);
				} else {
					const sub = dir ? `${dir}/${name}` : name;
					if (!this.#dirs.has(sub)) {
						children.set(name, null);
						this.#dirs.set(sub, new Map());
					}
					dir = sub;
				}
			}
		}
	}

	async list(dirPath: string, signal?: AbortSignal): Promise<DirListing> {
		// Async so that an abort rejects, as every FileSource must (the acceptance suite checks).
		await Promise.resolve();
		signal?.throwIfAborted();
		const children = this.#dirs.get(dirPath);
		if (!children) return Promise.reject(new VdfsError('NotFound', `The folder “${dirPath}” is not in this import.`));
		const entries: SourceEntry[] = [];
		for (const [name, file] of children) {
			entries.push(
				file
					? { name, isDir: false, size: file.size, mtime: file.lastModified }
					: { name, isDir: true, size: 0, mtime: 0 }
			);
		}
		return Promise.resolve({ entries, problems: [] });
	}

	file(path: string): Promise<File> {
		const slash = path.lastIndexOf('/');
		const file = this.#dirs.get(slash < 0 ? '' : path.slice(0, slash))?.get(path.slice(slash + 1));
		return file ? Promise.resolve(file) : Promise.reject(new VdfsError('NotFound', `“${path}” is not in this import.`));
	}
}
