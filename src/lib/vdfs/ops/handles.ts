import { VdfsError } from '../errors';
import { fsError } from '../fs/source';

/**
 * File System Access calls the file operations make, with the platform's errors turned into
 * what the user should read. The same calls serve picked folders (`fsa`) and Orrery's storage
 * in the origin private file system (`opfs`).
 */

type Dir = FileSystemDirectoryHandle;

interface Movable {
	move(parent: Dir, name: string): Promise<void>;
}

interface Iterable {
	values(): AsyncIterable<FileSystemHandle>;
}

/** The folder at `path` under `root` ('' is the root itself), created on the way with `create`. */
export async function dirAt(root: Dir, path: string, create = false): Promise<Dir> {
	let dir = root;
	for (const part of path ? path.split('/') : []) {
		try {
			dir = await dir.getDirectoryHandle(part, { create });
		} catch (e) {
			throw create ? writeError(e, path) : fsError(e, path);
		}
	}
	return dir;
}

/** The child called `name`, a file or a folder, or null when there is none. */
export async function childOf(dir: Dir, name: string): Promise<FileSystemHandle | null> {
	try {
		return await dir.getFileHandle(name);
	} catch (e) {
		const kind = e instanceof Error ? e.name : '';
		if (kind === 'NotFoundError') return null;
		if (kind !== 'TypeMismatchError') throw fsError(e, name);
	}
	try {
		return await dir.getDirectoryHandle(name);
	} catch (e) {
		if (e instanceof Error && e.name === 'NotFoundError') return null;
		throw fsError(e, name);
	}
}

/** The handle at `path` under `root`, or null when it (or a folder above it) is gone. */
export async function handleAt(root: Dir, path: string): Promise<FileSystemHandle | null> {
	const slash = path.lastIndexOf('/');
	let parent: Dir;
	try {
		parent = await dirAt(root, slash < 0 ? '' : path.slice(0, slash));
	} catch (e) {
		if (e instanceof VdfsError && e.code === 'NotFound') return null;
		throw e;
	}
	return childOf(parent, slash < 0 ? path : path.slice(slash + 1));
}

export async function children(dir: Dir): Promise<FileSystemHandle[]> {
	const all: FileSystemHandle[] = [];
	for await (const handle of (dir as unknown as Iterable).values()) all.push(handle);
	return all;
}

/**
 * Writes `file` into `dir` under the working name `partial` (never the real name: a cancelled
 * or crashed copy leaves nothing under it) and returns the written file's handle. The file goes
 * to the writable stream as Blob slices of SLICE bytes: the browser copies each slice itself,
 * nothing passes through JS in chunks, and no more than a slice's handle is held (a Blob slice
 * is a reference, not bytes). Between slices progress is told and a cancel is seen. bench copy:
 * piping `file.stream()` through a counting TransformStream made the job 0.79 of the bare API's
 * stream copy. A failure or an abort removes the partial file.
 */
export async function writePartial(
	file: Blob,
	dir: Dir,
	partial: string,
	options: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}
): Promise<FileSystemFileHandle> {
	let handle: FileSystemFileHandle | undefined;
	let writer: WritableStreamDefaultWriter<Blob> | undefined;
	try {
		handle = await dir.getFileHandle(partial, { create: true });
		writer = (await handle.createWritable()).getWriter() as WritableStreamDefaultWriter<Blob>;
		for (let at = 0; at < file.size; at += SLICE) {
			options.signal?.throwIfAborted();
			const slice = file.slice(at, Math.min(file.size, at + SLICE));
			await writer.write(slice);
			options.onBytes?.(slice.size);
		}
		options.signal?.throwIfAborted();
		// close() commits: until then the file's bytes are in a swap file, not under any name.
		await writer.close();
		return handle;
	} catch (e) {
		await writer?.abort().catch(() => {});
		if (handle) await dir.removeEntry(partial).catch(() => {});
		if (options.signal?.aborted) throw new VdfsError('Cancelled', 'Cancelled.');
		throw writeError(e, file instanceof File ? file.name : partial);
	}
}

/** Bytes a copy hands the browser at a time (see writePartial). */
const SLICE = 8 * 2 ** 20;

/**
 * Moves a file or folder in one platform call where the platform can (within one origin
 * private file system, or within one picked folder); false where it cannot, and the caller
 * copies instead.
 */
export async function moveHandle(handle: FileSystemHandle, parent: Dir, name: string): Promise<boolean> {
	const move = (handle as unknown as Partial<Movable>).move;
	if (typeof move !== 'function') return false;
	try {
		await move.call(handle, parent, name);
		return true;
	} catch (e) {
		const kind = e instanceof Error ? e.name : '';
		// Across file systems, or a folder on a disk that cannot move folders.
		if (kind === 'NotSupportedError' || kind === 'InvalidModificationError' || e instanceof TypeError) return false;
		throw writeError(e, name);
	}
}

/**
 * Moves a file, or a folder with everything in it, into `parent` as `name`. Chromium moves files
 * (within one origin private file system, or one picked folder) but has no move() for folders
 * (measured here: directory handles have none, in pages and workers): a folder is made at the
 * target, its children moved into it one by one, and the emptied source removed; no bytes are
 * copied. A folder already at the target is merged into (a move resumed after a reload). False
 * where a file cannot be moved: what moved so far stays moved, and the caller copies the rest.
 */
export async function moveTree(
	handle: FileSystemHandle,
	from: Dir,
	parent: Dir,
	name: string,
	signal?: AbortSignal
): Promise<boolean> {
	if (handle.kind === 'file') return moveHandle(handle, parent, name);
	if (await moveHandle(handle, parent, name)) return true;
	let target: Dir;
	try {
		target = await parent.getDirectoryHandle(name, { create: true });
	} catch (e) {
		throw writeError(e, name);
	}
	const source = handle as Dir;
	for (const child of await children(source)) {
		signal?.throwIfAborted();
		if (!(await moveTree(child, source, target, child.name, signal))) return false;
	}
	await removeChild(from, handle.name);
	return true;
}

/** Removes a child (a folder with everything in it). A child already gone is not an error. */
export async function removeChild(dir: Dir, name: string): Promise<void> {
	try {
		await dir.removeEntry(name, { recursive: true });
	} catch (e) {
		if (e instanceof Error && e.name === 'NotFoundError') return;
		throw writeError(e, name);
	}
}

/** Maps a write's failure onto what the user should read and do. */
export function writeError(e: unknown, name: string): VdfsError {
	if (e instanceof VdfsError) return e;
	const kind = e instanceof Error ? e.name : '';
	if (kind === 'QuotaExceededError') {
		return new VdfsError('QuotaExceeded', `There is no room left on the target for “${name}”.`, { path: name });
	}
	if (kind === 'NoModificationAllowedError') {
		return new VdfsError('NotWritable', `“${name}” could not be written: the folder is read-only or in use.`, {
			path: name
		});
	}
	if (kind === 'InvalidModificationError') {
		return new VdfsError('NotWritable', `“${name}” could not be changed: a folder that is not empty is in the way.`, {
			path: name
		});
	}
	if (kind === 'TypeError' || kind === 'InvalidCharacterError') {
		return new VdfsError('InvalidName', `The target refuses the name “${name}”. Rename it and try again.`, {
			path: name
		});
	}
	if (kind === 'NotAllowedError' || kind === 'SecurityError') {
		return new VdfsError(
			'PermissionLost',
			'Orrery no longer has permission to change files here. Grant access again.',
			{
				path: name
			}
		);
	}
	return fsError(e, name);
}
