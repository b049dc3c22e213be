import { describe, expect, it } from 'vitest';
import { casId, fileBytes } from '../../src/lib/vdfs/identity/cas';
import { LocalHasher, type Hasher, type IdentifyItem, type IdentifyResult } from '../../src/lib/vdfs/identity/hasher';
import { HasherPool, serveHasher, type HasherReply, type HasherRequest } from '../../src/lib/vdfs/identity/hasher-pool';

/**
 * The hasher pool's protocol, with each "worker" served in this thread: messages are
 * structured-cloned and delivered on a later task, as between real workers. Folder handles are
 * small stand-ins for FileSystemDirectoryHandle (what the worker opens files under).
 */
type Tree = { [name: string]: File | Tree };

function dirHandle(tree: Tree): FileSystemDirectoryHandle {
	const child = (name: string, kind: 'file' | 'directory') => {
		const node = tree[name];
		if (node === undefined || node instanceof File !== (kind === 'file')) {
			return Promise.reject(new DOMException(`${name} not found`, kind === 'file' ? 'NotFoundError' : 'NotFoundError'));
		}
		return Promise.resolve(node);
	};
	return {
		kind: 'directory',
		getDirectoryHandle: async (name: string) => dirHandle((await child(name, 'directory')) as Tree),
		getFileHandle: async (name: string) => {
			const file = (await child(name, 'file')) as File;
			return { kind: 'file', getFile: () => Promise.resolve(file) };
		}
	} as unknown as FileSystemDirectoryHandle;
}

/** A Worker whose other side is serveHasher in this thread; it counts the messages each way. */
function inThreadWorker(counts: { toWorker: number; fromWorker: number }): Worker {
	const worker = { onmessage: null, onerror: null } as unknown as Worker & {
		onmessage: ((e: MessageEvent<HasherReply>) => void) | null;
	};
	const scope = {
		onmessage: null as ((e: MessageEvent<HasherRequest>) => void) | null,
		postMessage(message: HasherReply) {
			counts.fromWorker++;
			const data = structuredClone(message);
			setTimeout(() => worker.onmessage?.({ data } as MessageEvent<HasherReply>));
		}
	};
	serveHasher(scope);
	worker.postMessage = (message: HasherRequest) => {
		counts.toWorker++;
		// Handles and Files are passed as they are (Node's structuredClone drops a File's
		// lastModified); the rest is copied, as postMessage would.
		const data =
			message.op === 'identify'
				? { ...message, items: message.items.map(({ ref, indexed }) => ({ ref: { ...ref }, indexed: { ...indexed } })) }
				: { ...message };
		setTimeout(() => scope.onmessage?.({ data } as MessageEvent<HasherRequest>));
	};
	worker.terminate = () => {};
	return worker;
}

function bytes(size: number, seed: number): Uint8Array {
	const b = new Uint8Array(size);
	let x = seed;
	for (let i = 0; i < size; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		b[i] = x >>> 24;
	}
	return b;
}

const fileOf = (b: Uint8Array, name: string, mtime = 1000) => new File([b as BlobPart], name, { lastModified: mtime });

async function run(hasher: Hasher, items: IdentifyItem[], signal?: AbortSignal) {
	const results = new Map<number, IdentifyResult>();
	await hasher.identifyMany(
		items,
		(i, result) => {
			expect(results.has(i), `file ${i} answered twice`).toBe(false);
			results.set(i, result);
		},
		signal
	);
	return results;
}

describe('HasherPool', () => {
	const files = Array.from({ length: 70 }, (_, i) => fileOf(bytes(1000 + i * 3001, i + 1), `f${i}`));
	const png = fileOf(
		Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1]),
		'pic'
	);
	const tree: Tree = { a: Object.fromEntries(files.map((f) => [f.name, f])), 'b c': { pic: png } };
	const root = dirHandle(tree);
	const items: IdentifyItem[] = [
		...files.map((f) => ({
			ref: { root, path: `a/${f.name}` },
			indexed: { path: `a/${f.name}`, size: f.size, mtime: 1000 }
		})),
		{ ref: { root, path: 'b c/pic' }, indexed: { path: 'b c/pic', size: png.size, mtime: 1000 } }
	];

	it('opens files under a folder handle in the worker, answers each once, and detects kinds here', async () => {
		const counts = { toWorker: 0, fromWorker: 0 };
		const pool = new HasherPool({ spawn: () => inThreadWorker(counts), size: 1, perWorker: 4 });
		const results = await run(pool, items);
		expect(results.size).toBe(items.length);
		for (const [i, f] of files.entries()) {
			expect(results.get(i)).toEqual({
				identity: { casId: await casId(fileBytes(f)), kind: 'unknown', mime: null }
			});
		}
		expect(results.get(files.length)).toMatchObject({ identity: { kind: 'image', mime: 'image/png' } });
		// One root, one batch; results in messages of 32.
		expect(counts.toWorker).toBe(2);
		expect(counts.fromWorker).toBe(Math.ceil(items.length / 32));

		// A second batch under the same root does not send the handle again.
		await run(pool, items.slice(0, 3));
		expect(counts.toWorker).toBe(3);
	});

	it('gives the same answers as hashing in this thread', async () => {
		const pool = new HasherPool({ spawn: () => inThreadWorker({ toWorker: 0, fromWorker: 0 }), size: 2 });
		const [inPool, local] = [await run(pool, items), await run(new LocalHasher(), items)];
		expect([...inPool].sort((a, b) => a[0] - b[0])).toEqual([...local].sort((a, b) => a[0] - b[0]));
	});

	it('reports a file that changed since it was indexed, and one that is gone, and identifies the rest', async () => {
		const pool = new HasherPool({ spawn: () => inThreadWorker({ toWorker: 0, fromWorker: 0 }), size: 1 });
		const f = files[3];
		const results = await run(pool, [
			{ ref: { root, path: `a/${f.name}` }, indexed: { path: `a/${f.name}`, size: f.size + 1, mtime: 1000 } },
			{ ref: { root, path: `a/${f.name}` }, indexed: { path: `a/${f.name}`, size: f.size, mtime: 999 } },
			{ ref: { root, path: 'a/gone.bin' }, indexed: { path: 'a/gone.bin', size: 5, mtime: 1000 } },
			{ ref: { root, path: 'moved/x.bin' }, indexed: { path: 'moved/x.bin', size: 5, mtime: 1000 } },
			{ ref: { file: f }, indexed: { path: `a/${f.name}`, size: f.size, mtime: 1000 } }
		]);
		for (const i of [0, 1]) {
			expect(results.get(i)).toMatchObject({
				error: { code: 'NotReadable', message: expect.stringContaining('changed after it was indexed') }
			});
		}
		expect(results.get(2)).toMatchObject({
			error: { code: 'NotFound', message: expect.stringContaining('a/gone.bin') }
		});
		expect(results.get(3)).toMatchObject({ error: { code: 'NotFound' } });
		expect(results.get(4)).toEqual({ identity: { casId: await casId(fileBytes(f)), kind: 'unknown', mime: null } });
	});

	it('stops a batch when cancelled', async () => {
		const pool = new HasherPool({ spawn: () => inThreadWorker({ toWorker: 0, fromWorker: 0 }), size: 1, perWorker: 1 });
		const controller = new AbortController();
		const seen: number[] = [];
		const done = pool.identifyMany(
			items,
			(i) => {
				seen.push(i);
				if (seen.length === 2) controller.abort(new Error('stop'));
			},
			controller.signal
		);
		await expect(done).rejects.toThrow('stop');
		expect(seen.length).toBeLessThan(items.length);
	});
});
