import { VdfsError, deserializeError, serializeError, type SerializedError } from '../errors';
import type { HashProgressOptions, Hasher } from './hasher';
import { hashFile, fullHashOfFile, type Identity } from './identify';
import { detectKind } from './kind';

/** Messages to a hasher worker (src/workers/hasher.worker.ts). */
export type HasherRequest =
	{ id: number; op: 'identify'; file: File } | { id: number; op: 'full'; file: File } | { id: number; op: 'cancel' };

/** Messages back. */
export type HasherReply =
	| { id: number; casId: Identity['casId']; head: Uint8Array }
	| { id: number; hash: string }
	| { id: number; bytes: number }
	| { id: number; error: SerializedError };

export interface HasherPoolOptions {
	/** Starts one hasher worker. */
	spawn: () => Worker;
	/**
	 * Workers in the pool: one per core the page leaves free, at least one.
	 * @default navigator.hardwareConcurrency - 1
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
	worker: Slot;
}

interface Slot {
	worker: Worker | null;
	busy: number;
}

/**
 * Hashes in a pool of workers, started when first needed. Files go to the least busy worker as
 * File objects (a handle to the bytes, not the bytes), and each worker reads its own.
 */
export class HasherPool implements Hasher {
	readonly workers: number;
	readonly parallel: number;
	#slots: Slot[];
	#pending = new Map<number, Pending>();
	#next = 1;

	constructor(private readonly options: HasherPoolOptions) {
		const cores = typeof navigator === 'undefined' ? 2 : navigator.hardwareConcurrency || 2;
		this.workers = Math.max(1, Math.floor(options.size ?? cores - 1));
		this.parallel = this.workers * (options.perWorker ?? 16);
		this.#slots = Array.from({ length: this.workers }, () => ({ worker: null, busy: 0 }));
	}

	/**
	 * The worker reads and hashes; the kind is detected here from the first bytes it sends back,
	 * so that the hashing thread spends nothing on it (the core thread mostly waits on I/O).
	 */
	async identify(file: File, signal?: AbortSignal): Promise<Identity> {
		const { casId, head } = await this.#send<{ casId: Identity['casId']; head: Uint8Array }>(
			{ op: 'identify', file },
			signal
		);
		return { casId, ...(await detectKind(head, file.name)) };
	}

	fullHash(file: File, options: HashProgressOptions = {}): Promise<string> {
		return this.#send<string>({ op: 'full', file }, options.signal, options.onBytes);
	}

	close(): void {
		for (const slot of this.#slots) {
			slot.worker?.terminate();
			slot.worker = null;
			slot.busy = 0;
		}
		for (const pending of this.#pending.values()) {
			pending.reject(new VdfsError('Cancelled', 'The hasher was stopped.'));
		}
		this.#pending.clear();
	}

	#send<T>(
		request: { op: 'identify' | 'full'; file: File },
		signal?: AbortSignal,
		onBytes?: (done: number) => void
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
				onBytes,
				worker: slot
			});
			worker.postMessage({ id, ...request } satisfies HasherRequest);
		});
	}

	#start(slot: Slot): Worker {
		const worker = this.options.spawn();
		worker.onmessage = ({ data }: MessageEvent<HasherReply>) => {
			const pending = this.#pending.get(data.id);
			if (!pending) return;
			if ('bytes' in data) pending.onBytes?.(data.bytes);
			else if ('error' in data) this.#settle(data.id)?.reject(deserializeError(data.error));
			else if ('casId' in data) this.#settle(data.id)?.resolve({ casId: data.casId, head: data.head } as never);
			else this.#settle(data.id)?.resolve(data.hash as never);
		};
		worker.onerror = (event) => {
			// A worker that died (out of memory, a script error) fails what it held; the next
			// request starts a fresh one.
			event.preventDefault();
			worker.terminate();
			slot.worker = null;
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
	scope.onmessage = ({ data }) => {
		if (data.op === 'cancel') {
			running.get(data.id)?.abort();
			return;
		}
		const controller = new AbortController();
		running.set(data.id, controller);
		const { id } = data;
		const work =
			data.op === 'identify'
				? hashFile(data.file, data.file.name).then(({ casId, head }) =>
						scope.postMessage({ id, casId, head }, [head.buffer])
					)
				: fullHashOfFile(data.file, data.file.name, {
						signal: controller.signal,
						onBytes: (bytes) => scope.postMessage({ id, bytes })
					}).then((hash) => scope.postMessage({ id, hash }));
		work.catch((e: unknown) => scope.postMessage({ id, error: serializeError(e) })).finally(() => running.delete(id));
	};
}
