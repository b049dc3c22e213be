// Worker source for `bench identify`, run in the app's origin (OPFS is per origin) as a blob
// worker. A plain JS string so the Node runner can hand it to the page.

/**
 * Writes `files` ({ path, size, seed }) under OPFS `root` with sync access handles, each with
 * content of its own from its seed (xorshift32), so that no two content ids are alike. Files up
 * to 1 MiB are written in one piece, all of a batch at once (on a disk-backed profile each
 * create is a round trip); larger ones one by one from a 1 MiB block filled anew for each file,
 * its first word stamped with the offset so that no two MiB are alike, and flushed, so that
 * the disk has taken the gigabytes before anything is timed.
 */
export const MAKE_FILES = `
self.onmessage = async ({ data: { root: name, files, fresh } }) => {
	const opfs = await navigator.storage.getDirectory();
	if (fresh) await opfs.removeEntry(name, { recursive: true }).catch(() => {});
	const root = await opfs.getDirectoryHandle(name, { create: true });
	const dirs = new Map([['', Promise.resolve(root)]]);
	const dirOf = (path) => {
		let dir = dirs.get(path);
		if (!dir) {
			const slash = path.lastIndexOf('/');
			dir = dirOf(slash < 0 ? '' : path.slice(0, slash)).then((parent) =>
				parent.getDirectoryHandle(path.slice(slash + 1), { create: true }));
			dirs.set(path, dir);
		}
		return dir;
	};
	const fill = (words, seed) => {
		let x = seed >>> 0 || 1;
		for (let i = 0; i < words.length; i++) {
			x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
			words[i] = x;
		}
	};
	const open = async (path) => {
		const slash = path.lastIndexOf('/');
		const dir = await dirOf(slash < 0 ? '' : path.slice(0, slash));
		return (await dir.getFileHandle(path.slice(slash + 1), { create: true })).createSyncAccessHandle();
	};
	const BLOCK = 1 << 20;
	let bytes = 0;
	const small = files.filter((f) => f.size <= BLOCK);
	for (let i = 0; i < small.length; i += 200) {
		await Promise.all(small.slice(i, i + 200).map(async ({ path, size, seed }) => {
			const words = new Uint32Array(Math.ceil(size / 4));
			fill(words, seed);
			const handle = await open(path);
			handle.truncate(0);
			handle.write(new Uint8Array(words.buffer, 0, size), { at: 0 });
			handle.close();
			bytes += size;
		}));
	}
	const block = new Uint8Array(BLOCK);
	const words = new Uint32Array(block.buffer);
	for (const { path, size, seed } of files.filter((f) => f.size > BLOCK)) {
		fill(words, seed);
		const handle = await open(path);
		handle.truncate(0);
		for (let at = 0; at < size; at += BLOCK) {
			words[0] = at / BLOCK;
			handle.write(block.subarray(0, Math.min(BLOCK, size - at)), { at });
		}
		handle.flush();
		handle.close();
		bytes += size;
	}
	self.postMessage({ files: files.length, bytes });
};`;
