import { VdfsError, deserializeError, serializeError, toVdfsError, type SerializedError } from '../errors';
import {
	DirCache,
	eachConcurrently,
	openRef,
	type FileRef,
	type HashProgressOptions,
	type Hasher,
	type IdentifyItem,
	type IdentifyResult,
	type Indexed
} from './hasher';
import { fullHashOfFile, hashFile, type Identity } from './identify';
import { detectKind } from './kind';
import type { ContentKind } from '../api';
import { fsError } from '../fs/source';
import { readMedia, type MediaResult, type ThumbTarget } from '../media/media';

/** A FileRef as sent: a root handle goes to each worker once and is named by number after. */
type WireRef = { file: File } | { root: number; path: string };

/** Messages to a hasher worker (src/workers/hasher.worker.ts). */
export type HasherRequest =
	| { op: 'root'; root: number; handle: FileSystemDirectoryHandle }
	| { op: 'drop'; root: number }
	| { id: number; op: 'identify'; items: { ref: WireRef; indexed: Indexed }[]; inFlight: number }
	| { id: number; op: 'full'; file: File }
	| { id: number; op: 'media'; ref: WireRef; indexed: Indexed; kind: ContentKind; target: ThumbTarget }
	| { id: number; op: 'cancel' };

/** One file's answer within a batch: its content id and first bytes, or an error. */
type WireResult = [index: number, casId: Identity['casId'], head: Uint8Array] | [index: number, error: SerializedError];

/** Messages back. */
export type HasherReply =
	| { id: number; results: WireResult[]; done?: true }
	| { id: number; hash: string }
	| { id: number; media: MediaResult }
	| { id: number; bytes: number }
	| { id: number; error: SerializedError };

export interface HasherPoolOptions {
	/** Starts one hasher worker. */
	spawn: () => Worker;
	/**
	 * Workers in the pool: one per core the page leaves free, and two where there are two cores.
	 * On 2 vCPUs, much of each file's work is in the browser's own threads (file I/O, image
	 * decoding and encoding), so one worker leaves a core idle: two made content ids 1,670
	 * files/s against 1,488 (bench identify) and thumbnails 45.8/s against 39 (bench explorer).
	 * @default max(2, navigator.hardwareConcurrency - 1), 1 on a single core
	 */
	size?: number;
	/**
	 * Files each worker reads at once. Reads are round trips to the browser process, so a
	 * worker with several in flight hashes one while the others' bytes arrive. @default 16
	 */
	perWorker?: number;
}

interface Pending {
	resolve: (value: never) => void;
	reject: (e: unknown) => void;
	onBytes?: (done: number) => void;
	onResults?: (results: WireResult[]) => void;
	worker: Slot;
}

interface Slot {
	worker: Worker | null;
	busy: number;
	/** Roots this worker holds. */
	roots: Set<number>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Results a worker gathers before sending them: one message per file cost more than the hash. */
const RESULTS_PER_MESSAGE = 32;

/**
 * Hashes in a pool of workers, started when first needed. Work goes to the least busy worker in
 * batches: files as paths under a folder handle (sent to each worker once) that the worker opens
 * itself, or as File objects. Kind detection runs here, on the first bytes each file sends back,
 * so the hashing threads spend nothing on it.
 */
export class HasherPool implements Hasher {
	readonly workers: number;
	readonly batches: number;
	readonly #perWorker: number;
	#slots: Slot[];
	#pending = new Map<number, Pending>();
	#next = 1;
	#roots = new WeakMap<FileSystemDirectoryHandle, number>();
	#nextRoot = 1;

	constructor(private readonly options: HasherPoolOptions) {
		const cores = typeof navigator === 'undefined' ? 2 : navigator.hardwareConcurrency || 2;
		this.workers = Math.max(1, Math.floor(options.size ?? (cores >= 2 ? Math.max(2, cores - 1) : 1)));
		// Two per worker: the next batch is there when one ends.
		this.batches = this.workers * 2;
		this.#perWorker = Math.max(1, options.perWorker ?? 16);
		this.#slots = Array.from({ length: this.workers }, () => ({ worker: null, busy: 0, roots: new Set<number>() }));
	}

	async identifyMany(
		items: readonly IdentifyItem[],
		each: (index: number, result: IdentifyResult) => void,
		signal?: AbortSignal
	): Promise<void> {
		if (items.length === 0) return;
		// Kinds are detected as results arrive; the batch ends when the last one is. Once it has
		// ended (or was cancelled) nothing more is reported: the caller may have moved on.
		const detecting: Promise<void>[] = [];
		let open = true;
		const report = (index: number, result: IdentifyResult) => {
			if (open) each(index, result);
		};
		const onResults = (results: WireResult[]) => {
			for (const result of results) {
				const [index] = result;
				if (result.length === 2) {
					report(index, { error: deserializeError(result[1]) });
					continue;
				}
				const [, casId, head] = result;
				detecting.push(
					detectKind(head, items[index].indexed.path).then(
						(kind) => report(index, { identity: { casId, ...kind } }),
						(e: unknown) => report(index, { error: toVdfsError(e) })
					)
				);
			}
		};
		try {
			await this.#send<void>(
				(slot) => ({
					op: 'identify',
					items: items.map(({ ref, indexed }) => ({ ref: this.#wire(slot, ref), indexed })),
					inFlight: this.#perWorker
				}),
				signal,
				{ onResults }
			);
			await Promise.all(detecting);
		} finally {
			open = false;
		}
	}

	/** Workers forget a folder handle (its job is done): its folder lookups go with it. */
	release(root: FileSystemDirectoryHandle): void {
		const id = this.#roots.get(root);
		if (id === undefined) return;
		this.#roots.delete(root);
		for (const slot of this.#slots) {
			if (slot.roots.delete(id)) slot.worker?.postMessage({ op: 'drop', root: id } satisfies HasherRequest);
		}
	}

	fullHash(file: File, options: HashProgressOptions = {}): Promise<string> {
		return this.#send<string>(() => ({ op: 'full', file }), options.signal, { onBytes: options.onBytes });
	}

	media(item: IdentifyItem, kind: ContentKind, target: ThumbTarget, signal?: AbortSignal): Promise<MediaResult> {
		return this.#send<MediaResult>(
			(slot) => ({ op: 'media', ref: this.#wire(slot, item.ref), indexed: item.indexed, kind, target }),
			signal,
			{}
		);
	}

	close(): void {
		for (const slot of this.#slots) {
			slot.worker?.terminate();
			slot.worker = null;
			slot.busy = 0;
			slot.roots.clear();
		}
		for (const pending of this.#pending.values()) {
			pending.reject(new VdfsError('Cancelled', 'The hasher was stopped.'));
		}
		this.#pending.clear();
	}

	#send<T>(
		request: (slot: Slot) => DistributiveOmit<Exclude<HasherRequest, { op: 'root' | 'drop' | 'cancel' }>, 'id'>,
		signal: AbortSignal | undefined,
		hooks: Pick<Pending, 'onBytes' | 'onResults'>
	): Promise<T> {
		signal?.throwIfAborted();
		const slot = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
		const worker = (slot.worker ??= this.#start(slot));
		const id = this.#next++;
		slot.busy++;
		return new Promise<T>((resolve, reject) => {
			const onAbort = () => {
				worker.postMessage({ id, op: 'cancel' } satisfies HasherRequest);
				this.#settle(id);
				reject(signal?.reason as Error);
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.#pending.set(id, {
				resolve: ((value: T) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(value);
				}) as (value: never) => void,
				reject: (e) => {
					signal?.removeEventListener('abort', onAbort);
					reject(e as Error);
				},
				...hooks,
				worker: slot
			});
			worker.postMessage({ id, ...request(slot) } satisfies HasherRequest);
		});
	}

	/** A root handle is sent to a worker once; the worker keeps its folder lookups. */
	#wire(slot: Slot, ref: FileRef): WireRef {
		if ('file' in ref) return ref;
		let root = this.#roots.get(ref.root);
		if (root === undefined) this.#roots.set(ref.root, (root = this.#nextRoot++));
		if (!slot.roots.has(root)) {
			slot.worker?.postMessage({ op: 'root', root, handle: ref.root } satisfies HasherRequest);
			slot.roots.add(root);
		}
		return { root, path: ref.path };
	}

	#start(slot: Slot): Worker {
		const worker = this.options.spawn();
		worker.onmessage = ({ data }: MessageEvent<HasherReply>) => {
			const pending = this.#pending.get(data.id);
			if (!pending) return;
			if ('results' in data) {
				pending.onResults?.(data.results);
				if (data.done) this.#settle(data.id)?.resolve(undefined as never);
			} else if ('media' in data) this.#settle(data.id)?.resolve(data.media as never);
			else if ('bytes' in data) pending.onBytes?.(data.bytes);
			else if ('error' in data) this.#settle(data.id)?.reject(deserializeError(data.error));
			else this.#settle(data.id)?.resolve(data.hash as never);
		};
		worker.onerror = (event) => {
			// A worker that died (out of memory, a script error) fails what it held; the next
			// request starts a fresh one.
			event.preventDefault();
			worker.terminate();
			slot.worker = null;
			slot.roots.clear();
			for (const [id, pending] of [...this.#pending]) {
				if (pending.worker !== slot) continue;
				this.#settle(id)?.reject(
					new VdfsError('Internal', `A hasher worker stopped: ${event.message || 'unknown error'}`)
				);
			}
		};
		return worker;
	}

	#settle(id: number): Pending | undefined {
		const pending = this.#pending.get(id);
		if (!pending) return undefined;
		this.#pending.delete(id);
		pending.worker.busy = Math.max(0, pending.worker.busy - 1);
		return pending;
	}
}

/** The worker side: answers HasherRequests in its own thread. */
export function serveHasher(scope: {
	onmessage: ((e: MessageEvent<HasherRequest>) => void) | null;
	postMessage(message: HasherReply, transfer?: Transferable[]): void;
}): void {
	const running = new Map<number, AbortController>();
	const roots = new Map<number, DirCache>();

	const identify = async (
		id: number,
		items: { ref: WireRef; indexed: Indexed }[],
		inFlight: number,
		signal: AbortSignal
	): Promise<void> => {
		let results: WireResult[] = [];
		let transfer: Transferable[] = [];
		const send = (done: boolean) => {
			scope.postMessage({ id, results, ...(done ? { done: true as const } : {}) }, transfer);
			results = [];
			transfer = [];
		};
		await eachConcurrently(
			items.length,
			inFlight,
			async (i) => {
				const { ref, indexed } = items[i];
				try {
					const file = await openRef(ref, indexed, (root) => roots.get(root));
					const { casId, head } = await hashFile(file, indexed.path);
					results.push([i, casId, head]);
					transfer.push(head.buffer);
				} catch (e) {
					results.push([i, serializeError(e)]);
				}
				if (results.length >= RESULTS_PER_MESSAGE) send(false);
			},
			signal
		);
		send(true);
	};

	const media = async (ref: WireRef, indexed: Indexed, kind: ContentKind, target: ThumbTarget) => {
		try {
			return await readMedia(await openRef(ref, indexed, (root) => roots.get(root)), kind, target);
		} catch (e) {
			throw fsError(e, indexed.path);
		}
	};

	scope.onmessage = ({ data }) => {
		if (data.op === 'root') {
			roots.set(data.root, new DirCache(data.handle));
			return;
		}
		if (data.op === 'drop') {
			roots.delete(data.root);
			return;
		}
		if (data.op === 'cancel') {
			running.get(data.id)?.abort();
			return;
		}
		const controller = new AbortController();
		running.set(data.id, controller);
		const { id } = data;
		const work =
			data.op === 'identify'
				? identify(id, data.items, data.inFlight, controller.signal)
				: data.op === 'media'
					? media(data.ref, data.indexed, data.kind, data.target).then((result) =>
							scope.postMessage({ id, media: result })
						)
					: fullHashOfFile(data.file, data.file.name, {
							signal: controller.signal,
							onBytes: (bytes) => scope.postMessage({ id, bytes })
						}).then((hash) => scope.postMessage({ id, hash }));
		work.catch((e: unknown) => scope.postMessage({ id, error: serializeError(e) })).finally(() => running.delete(id));
	};
}
