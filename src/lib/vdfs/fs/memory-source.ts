import { VdfsError } from '../errors';
import type { DirListing, FileSource, ListOptions, SourceEntry } from './source';

/** A file is its size and mtime (bytes are made up on read); a directory is a map of children. */
export type MemoryTree = { [name: string]: MemoryNode };
export type MemoryNode = { size: number; mtime: number; unreadable?: boolean; bytes?: Uint8Array } | MemoryTree;

function isFile(node: MemoryNode): node is { size: number; mtime: number; unreadable?: boolean; bytes?: Uint8Array } {
	return typeof (node as { size?: unknown }).size === 'number' && !('children' in node);
}

/** An in-memory file tree for the core's Node tests. Mutable, to model changes between scans. */
export class MemorySource implements FileSource {
	readonly kind = 'opfs' as const;

	constructor(public tree: MemoryTree) {}

	#node(path: string): MemoryNode | undefined {
		let node: MemoryNode = this.tree;
		for (const part of path ? path.split('/') : []) {
			if (isFile(node)) return undefined;
			node = node[part];
			if (node === undefined) return undefined;
		}
		return node;
	}

	async list(dirPath: string, signal?: AbortSignal, options?: ListOptions): Promise<DirListing> {
		const skip = new Set(options?.skipStat);
		// Async so that an abort rejects, as every FileSource must (the acceptance suite checks).
		await Promise.resolve();
		signal?.throwIfAborted();
		const dir = this.#node(dirPath);
		if (!dir || isFile(dir)) return Promise.reject(new VdfsError('NotFound', `The folder “${dirPath}” is gone.`));
		const entries: SourceEntry[] = [];
		const problems: DirListing['problems'] = [];
		for (const [name, node] of Object.entries(dir)) {
			if (isFile(node) && node.unreadable) {
				problems.push({ name, code: 'NotReadable', message: `“${name}” cannot be read.` });
			} else {
				entries.push(
					!isFile(node)
						? { name, isDir: true, size: 0, mtime: 0 }
						: skip.has(name)
							? { name, isDir: false, size: 0, mtime: 0, unread: true }
							: { name, isDir: false, size: node.size, mtime: node.mtime }
				);
			}
		}
		return Promise.resolve({ entries, problems });
	}

	file(path: string): Promise<File> {
		const node = this.#node(path);
		if (!node || !isFile(node)) return Promise.reject(new VdfsError('NotFound', `“${path}” is gone.`));
		const bytes = node.bytes ?? new Uint8Array(node.size);
		return Promise.resolve(new File([bytes as BlobPart], path.split('/').pop() ?? path, { lastModified: node.mtime }));
	}

	/** Test helper: sets (or with `undefined`, removes) the node at a path, creating folders. */
	set(path: string, node: MemoryNode | undefined): void {
		const parts = path.split('/');
		const name = parts.pop()!;
		let dir = this.tree;
		for (const part of parts) {
			const next = dir[part];
			if (!next || isFile(next)) dir[part] = {};
			dir = dir[part] as MemoryTree;
		}
		if (node === undefined) delete dir[name];
		else dir[name] = node;
	}
}
