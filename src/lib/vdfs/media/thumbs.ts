import type { LibraryId } from '../ids';

/** Thumbnails live in OPFS, beside the databases: one WebP per content id, per library. */
export const THUMB_ROOT = 'orrery-thumbs';
/** The longest side of a thumbnail, in pixels: sharp in a 128 px tile at 2x. */
export const THUMB_SIZE = 256;

/**
 * Where a content's thumbnail is stored, as folder names under the OPFS root and a file name.
 * Keyed by content id, so every copy of a photo shares one thumbnail; split by the id's first
 * two characters, so no folder holds more than a few thousand.
 */
export function thumbPath(library: LibraryId | string, casId: string): { dirs: string[]; name: string } {
	return { dirs: [THUMB_ROOT, library, casId.slice(0, 2)], name: `${casId}.webp` };
}

async function folder(dirs: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
	let dir = await navigator.storage.getDirectory();
	for (const name of dirs) dir = await dir.getDirectoryHandle(name, { create });
	return dir;
}

/** A stored thumbnail, or null if there is none (any failure reads as none: the icon shows). */
export async function readThumb(library: LibraryId | string, casId: string): Promise<File | null> {
	const { dirs, name } = thumbPath(library, casId);
	try {
		return await (await (await folder(dirs, false)).getFileHandle(name)).getFile();
	} catch {
		return null;
	}
}

/**
 * Stores a thumbnail. No reader looks before the content row says it is stored (written after
 * this returns), so it is written in place: in a worker through a sync access handle (one
 * round trip to open; createWritable takes several and a copy).
 */
export async function writeThumb(path: { dirs: string[]; name: string }, blob: Blob): Promise<void> {
	let handle: FileSystemFileHandle;
	try {
		handle = await (await shard(path.dirs)).getFileHandle(path.name, { create: true });
	} catch (e) {
		// The folder went (its library was deleted, storage cleared): look it up afresh once.
		if (!(e instanceof DOMException && e.name === 'NotFoundError')) throw e;
		for (let i = 1; i <= path.dirs.length; i++) shards.delete(path.dirs.slice(0, i).join('/'));
		handle = await (await shard(path.dirs)).getFileHandle(path.name, { create: true });
	}
	const bytes = new Uint8Array(await blob.arrayBuffer());
	const sync = (handle as unknown as { createSyncAccessHandle?(): Promise<SyncHandle> }).createSyncAccessHandle;
	if (typeof sync === 'function') {
		const access = await sync.call(handle);
		try {
			access.truncate(0);
			access.write(bytes, { at: 0 });
			access.flush();
		} finally {
			access.close();
		}
		return;
	}
	const writable = await handle.createWritable();
	await writable.write(bytes);
	await writable.close();
}

interface SyncHandle {
	truncate(size: number): void;
	write(bytes: Uint8Array, options: { at: number }): number;
	flush(): void;
	close(): void;
}

/**
 * Thumbnail folders by path, each level once, so that storing one is a single round trip to
 * open the file and not three more to walk down to its folder (a few hundred folders a
 * library), and lanes starting together do not each create the same parents (bench explorer:
 * a worker's first writes took 85–100 ms in an origin of 100,000 files, later ones 12–16).
 */
const shards = new Map<string, Promise<FileSystemDirectoryHandle>>();

function shard(dirs: string[]): Promise<FileSystemDirectoryHandle> {
	const key = dirs.join('/');
	let dir = shards.get(key);
	if (!dir) {
		dir =
			dirs.length === 0
				? navigator.storage.getDirectory()
				: shard(dirs.slice(0, -1)).then((parent) => parent.getDirectoryHandle(dirs[dirs.length - 1], { create: true }));
		shards.set(key, dir);
		dir.catch(() => shards.delete(key));
	}
	return dir;
}

/**
 * Readies this thread's way to store thumbnails: the thumbnail folder, and a sync access
 * handle opened once (a throwaway file), whose first use in a thread is slow.
 */
export async function warmThumbStore(): Promise<void> {
	const root = await shard([THUMB_ROOT]);
	const name = `.warm-${crypto.randomUUID()}`;
	const handle = await root.getFileHandle(name, { create: true });
	try {
		const sync = (handle as unknown as { createSyncAccessHandle?(): Promise<SyncHandle> }).createSyncAccessHandle;
		if (typeof sync === 'function') (await sync.call(handle)).close();
	} finally {
		await root.removeEntry(name);
	}
}

/** Removes a library's thumbnails (the library was deleted). */
export async function removeThumbs(library: LibraryId | string): Promise<void> {
	try {
		await (await folder([THUMB_ROOT], false)).removeEntry(library, { recursive: true });
	} catch {
		// None were made.
	}
}
