// Worker sources for `bench index`, run in the app's origin (OPFS is per origin) as blob workers.
// Plain JS strings so the Node runner can hand them to the page.

/** Writes `dirs` folders of `perDir` small files under OPFS `root` with sync access handles. */
export const MAKE_TREE = `
self.onmessage = async ({ data: { root: name, dirs, perDir } }) => {
	const opfs = await navigator.storage.getDirectory();
	await opfs.removeEntry(name, { recursive: true }).catch(() => {});
	const root = await opfs.getDirectoryHandle(name, { create: true });
	let files = 0, bytes = 0;
	for (let d = 0; d < dirs; d++) {
		// Two levels, like real trees: 50 groups of folders.
		const group = await root.getDirectoryHandle('group ' + (d % 50), { create: true });
		const dir = await group.getDirectoryHandle('folder ' + d, { create: true });
		for (let f = 0; f < perDir; f++) {
			const size = 1 + ((d * 31 + f * 7) % 2000);
			const handle = await (await dir.getFileHandle('file ' + f + '.txt', { create: true })).createSyncAccessHandle();
			handle.write(new Uint8Array(size).fill(97), { at: 0 });
			handle.close();
			files++; bytes += size;
		}
	}
	self.postMessage({ files, bytes });
};`;

/**
 * The raw limit: a breadth-first walk with the bare File System Access API, listing each folder
 * and reading every file's size and mtime (getFile, all of a folder's files at once), storing nothing.
 */
export const RAW_WALK = `
self.onmessage = async ({ data: { root: name } }) => {
	const started = performance.now();
	const queue = [await (await navigator.storage.getDirectory()).getDirectoryHandle(name)];
	let files = 0, dirs = 0, bytes = 0;
	while (queue.length) {
		const dir = queue.shift();
		const handles = [];
		for await (const handle of dir.values()) handles.push(handle);
		await Promise.all(handles.map(async (handle) => {
			if (handle.kind === 'directory') { queue.push(handle); dirs++; return; }
			const file = await handle.getFile();
			files++; bytes += file.size + (file.lastModified > 0 ? 0 : 0);
		}));
	}
	self.postMessage({ files, dirs, bytes, ms: performance.now() - started });
};`;
