// Worker sources for `bench index`, run in the app's origin (OPFS is per origin) as blob workers.
// Plain JS strings so the Node runner can hand them to the page.

/** Writes folders `from`..`to` of `perDir` small files under OPFS `root` with sync access handles. */
export const MAKE_TREE = `
self.onmessage = async ({ data: { root: name, from, to, perDir } }) => {
	const opfs = await navigator.storage.getDirectory();
	if (from === 0) await opfs.removeEntry(name, { recursive: true }).catch(() => {});
	const root = await opfs.getDirectoryHandle(name, { create: true });
	let files = 0, bytes = 0;
	for (let d = from; d < to; d++) {
		// Two levels, like real trees: 50 groups of folders.
		const group = await root.getDirectoryHandle('group ' + (d % 50), { create: true });
		const dir = await group.getDirectoryHandle('folder ' + d, { create: true });
		// A folder's files at once: on a disk-backed profile each create is a round trip.
		await Promise.all(Array.from({ length: perDir }, async (_, f) => {
			const size = 1 + ((d * 31 + f * 7) % 2000);
			const handle = await (await dir.getFileHandle('file ' + f + '.txt', { create: true })).createSyncAccessHandle();
			handle.write(new Uint8Array(size).fill(97), { at: 0 });
			handle.close();
			files++; bytes += size;
		}));
	}
	self.postMessage({ files, bytes });
};`;

/**
 * The raw limit: a breadth-first walk with the bare File System Access API, listing folders and
 * reading every file's size and mtime (getFile, all of a folder's files at once), storing
 * nothing. `folders` folders are walked at once (1: one after another).
 */
export const RAW_WALK = `
self.onmessage = async ({ data: { root: name, folders } }) => {
	const started = performance.now();
	const queue = [await (await navigator.storage.getDirectory()).getDirectoryHandle(name)];
	let files = 0, dirs = 0, bytes = 0, mtimes = 0, active = 0;
	const walk = async (dir) => {
		const handles = [];
		for await (const handle of dir.values()) handles.push(handle);
		await Promise.all(handles.map(async (handle) => {
			if (handle.kind === 'directory') { queue.push(handle); dirs++; return; }
			const file = await handle.getFile();
			files++; bytes += file.size; mtimes += file.lastModified > 0 ? 1 : 0;
		}));
	};
	await new Promise((done, fail) => {
		const pump = () => {
			if (queue.length === 0 && active === 0) return done();
			while (active < folders && queue.length > 0) {
				active++;
				walk(queue.shift()).then(() => { active--; pump(); }, fail);
			}
		};
		pump();
	});
	self.postMessage({ files, dirs, bytes, ms: performance.now() - started });
};`;
