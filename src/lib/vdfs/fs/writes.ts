import { VdfsError } from '../errors';
import { newId } from '../ids';
import { fsError } from './source';

/**
 * Writes into a folder handle (Orrery's own storage on this device): the explicit "new folder"
 * and "import files" actions. A file is streamed to a temporary name and renamed when whole, so
 * a failed or interrupted import never leaves a half file under the real name, and an existing
 * name is never overwritten: the newcomer gets a numbered name.
 */

/** Names the file systems Orrery writes to refuse, or that would mean something else. */
export function checkName(name: string): string {
	const clean = name.normalize('NFC').trim();
	if (clean === '' || clean === '.' || clean === '..')
		throw new VdfsError('InvalidInput', 'A name cannot be empty, “.” or “..”.');
	if (/[/\\]/.test(clean)) throw new VdfsError('InvalidInput', `“${clean}” has a slash; names cannot contain / or \\.`);
	if ([...clean].some((c) => c.charCodeAt(0) < 0x20))
		throw new VdfsError('InvalidInput', 'A name cannot contain control characters.');
	if (new TextEncoder().encode(clean).length > 255) {
		throw new VdfsError('InvalidInput', `“${clean.slice(0, 40)}…” is too long: names are at most 255 bytes.`);
	}
	if (clean.startsWith(PARTIAL_PREFIX))
		throw new VdfsError('InvalidInput', 'Names starting with “.orrery-partial-” are kept for unfinished imports.');
	return clean;
}

const PARTIAL_PREFIX = '.orrery-partial-';

/** The folder at `path` under `root` ('' is the root). */
export async function folderAt(root: FileSystemDirectoryHandle, path: string): Promise<FileSystemDirectoryHandle> {
	let dir = root;
	for (const part of path ? path.split('/') : []) {
		try {
			dir = await dir.getDirectoryHandle(part);
		} catch (e) {
			throw fsError(e, path);
		}
	}
	return dir;
}

async function exists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
	for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) if (key === name) return true;
	return false;
}

/** `name`, or `name (2).ext`, `name (3).ext`… whichever is free in the folder. */
export async function freeName(dir: FileSystemDirectoryHandle, name: string): Promise<string> {
	const taken = new Set<string>();
	for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) taken.add(key);
	if (!taken.has(name)) return name;
	const dot = name.lastIndexOf('.');
	const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
	for (let n = 2; ; n++) {
		const candidate = `${stem} (${n})${ext}`;
		if (!taken.has(candidate)) return candidate;
	}
}

/** Creates a folder; an existing folder of that name is an error, not a merge. */
export async function createFolder(parent: FileSystemDirectoryHandle, name: string): Promise<string> {
	const clean = checkName(name);
	if (await exists(parent, clean)) throw new VdfsError('InvalidInput', `“${clean}” already exists here.`);
	try {
		await parent.getDirectoryHandle(clean, { create: true });
	} catch (e) {
		throw writeError(e, clean);
	}
	return clean;
}

/** Streams a file into the folder under a free name; returns the name it got. */
export async function importFile(parent: FileSystemDirectoryHandle, file: File, signal?: AbortSignal): Promise<string> {
	const name = await freeName(parent, checkName(file.name));
	const partial = `${PARTIAL_PREFIX}${newId()}`;
	let handle: FileSystemFileHandle | undefined;
	try {
		handle = await parent.getFileHandle(partial, { create: true });
		const writable = await handle.createWritable();
		// pipeTo closes the writable when done and aborts it on error: nothing is held whole.
		await file.stream().pipeTo(writable, { signal });
		await (handle as FileSystemFileHandle & { move(name: string): Promise<void> }).move(name);
		return name;
	} catch (e) {
		if (handle) await parent.removeEntry(partial).catch(() => {});
		throw writeError(e, file.name);
	}
}

function writeError(e: unknown, name: string): VdfsError {
	const kind = e instanceof Error ? e.name : '';
	if (kind === 'QuotaExceededError') {
		return new VdfsError('QuotaExceeded', `There is no room left in this browser's storage for “${name}”.`, {
			path: name
		});
	}
	if (kind === 'NoModificationAllowedError' || kind === 'InvalidModificationError') {
		return new VdfsError('NotReadable', `“${name}” could not be written: the folder is busy or read-only.`, {
			path: name
		});
	}
	return fsError(e, name);
}
