/// <reference lib="webworker" />
/**
 * The raw baseline of `bench identify`: the bare read + hash-wasm BLAKE3 of the bytes a content
 * id covers, for a list of files under an OPFS folder, storing nothing. Built as an entry of its
 * own (bench/.dist/identify.worker.js, hash-wasm bundled in) because it has to run in the app's
 * origin, where the tree is: the Node runner hands its text to the app's page as a blob worker.
 *
 * Per file it does what the app's hasher does and nothing more: getFile() through cached folder
 * handles; a file up to 300 KiB read whole and its ranges hashed from memory, a larger one read
 * as its six ranges (File.slice, all at once, as the app does); then BLAKE3 over the size as a
 * little-endian u64 and the ranges. No kind sniffing, no messages per file, no database.
 */
import { createBLAKE3 } from 'hash-wasm';
import { READ_WHOLE_UP_TO, casRanges, leU64 } from '../../src/lib/vdfs/identity/cas';

interface Request {
	root: string;
	paths: string[];
	/** Files read at once (1: one after another). */
	inFlight: number;
	/** Paths whose ids to send back, to check them against the app's. */
	check: string[];
}

self.onmessage = async ({ data }: MessageEvent<Request>) => {
	try {
		const hasher = await createBLAKE3();
		const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(data.root);
		// Promises, so that lanes asking for the same folder at once share one lookup.
		const dirs = new Map<string, Promise<FileSystemDirectoryHandle>>([['', Promise.resolve(root)]]);
		const dirOf = (path: string): Promise<FileSystemDirectoryHandle> => {
			let dir = dirs.get(path);
			if (!dir) {
				const slash = path.lastIndexOf('/');
				dir = dirOf(slash < 0 ? '' : path.slice(0, slash)).then((parent) =>
					parent.getDirectoryHandle(path.slice(slash + 1))
				);
				dirs.set(path, dir);
			}
			return dir;
		};
		const check = new Set(data.check);
		const ids: Record<string, string> = {};
		let files = 0;
		let bytes = 0;
		let read = 0;
		let next = 0;

		const one = async (path: string) => {
			const slash = path.lastIndexOf('/');
			const dir = await dirOf(slash < 0 ? '' : path.slice(0, slash));
			const file = await (await dir.getFileHandle(path.slice(slash + 1))).getFile();
			const ranges = casRanges(file.size);
			let chunks: Uint8Array[];
			if (file.size <= READ_WHOLE_UP_TO) {
				const whole = new Uint8Array(await file.arrayBuffer());
				chunks = ranges.map(([start, end]) => whole.subarray(start, end));
				read += whole.length;
			} else {
				chunks = await Promise.all(
					ranges.map(async ([start, end]) => new Uint8Array(await file.slice(start, end).arrayBuffer()))
				);
				for (const chunk of chunks) read += chunk.length;
			}
			// Synchronous from init to digest, so one hasher serves every lane.
			hasher.init();
			hasher.update(leU64(file.size));
			for (const chunk of chunks) hasher.update(chunk);
			const id = hasher.digest('hex').slice(0, 16);
			if (check.has(path)) ids[path] = id;
			files++;
			bytes += file.size;
		};
		const lane = async () => {
			while (next < data.paths.length) await one(data.paths[next++]);
		};

		const started = performance.now();
		await Promise.all(Array.from({ length: Math.max(1, data.inFlight) }, lane));
		const ms = performance.now() - started;
		self.postMessage({ ok: true, files, bytes, read, ms, ids });
	} catch (e) {
		self.postMessage({ ok: false, error: String(e) });
	}
};
