import type { SAHPoolUtil, Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import { VdfsError } from '../errors';
import { Sql } from './sql';
import type { DbStorage } from './storage';

/** Damaged files are moved here, outside the pool's directory (which the VFS owns). */
const SET_ASIDE_DIR = 'orrery-set-aside';

export interface SahPoolOptions {
	/** How long to keep retrying while another tab's worker still holds the pool. @default 5000 */
	acquireTimeoutMs?: number;
	signal?: AbortSignal;
}

/**
 * DbStorage on the opfs-sahpool VFS: ~20x the inserts/s of the `opfs` VFS here and no
 * COOP/COEP headers needed (DESIGN.md §1). It holds exclusive access handles on every file in
 * the pool, so only one worker per origin may have it installed; a hand-over retries until the
 * previous owner's handles are released.
 */
export async function installSahPool(sqlite3: Sqlite3Static, options: SahPoolOptions = {}): Promise<SahPoolStorage> {
	const deadline = Date.now() + (options.acquireTimeoutMs ?? 5000);
	for (let attempt = 0; ; attempt++) {
		try {
			const pool = await sqlite3.installOpfsSAHPoolVfs({
				name: 'opfs-sahpool',
				directory: '.orrery-sahpool',
				initialCapacity: 8,
				// Never wipe anything on a failed start: the next try (or tab) must find it all.
				preserveOnInitFailure: true,
				forceReinitIfPreviouslyFailed: true
			} as Parameters<Sqlite3Static['installOpfsSAHPoolVfs']>[0]);
			return new SahPoolStorage(sqlite3, pool);
		} catch (e) {
			options.signal?.throwIfAborted();
			if (Date.now() > deadline) {
				throw new VdfsError(
					'StorageUnavailable',
					`Orrery could not open its storage: ${e instanceof Error ? e.message : String(e)}. Another window of Orrery may be stuck; close it and reload.`
				);
			}
			await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 400)));
		}
	}
}

let lastFault: Error | undefined;

/** Chromium's base::File::Error for a full disk, as returned (unsigned) by a failed write(). */
const FILE_ERROR_NO_SPACE = -8;

function writeFault(result: unknown, wanted: number): Error {
	// Seen here: with the quota used up, write() returns 4294967288, i.e. -8 as an unsigned
	// 32-bit number, instead of throwing QuotaExceededError.
	const code = typeof result === 'number' && result > 0x7fffffff ? result - 0x100000000 : undefined;
	if (code === FILE_ERROR_NO_SPACE || (typeof result === 'number' && result >= 0 && result < wanted)) {
		return new DOMException(`The disk has no room for ${wanted} more bytes.`, 'QuotaExceededError');
	}
	return new Error(`Writing to browser storage failed (${code ?? String(result)}).`);
}

/**
 * The sahpool VFS turns any failure of an access handle into SQLITE_IOERR and keeps only a
 * console log of it, so a full disk would read as a generic I/O error. Wrapping the writing
 * methods of FileSystemSyncAccessHandle records what happened for takeFault(): a thrown
 * DOMException as is, and a write that did not write everything as decoded by writeFault().
 * Behaviour is otherwise unchanged: results and exceptions pass through.
 */
function recordAccessHandleFaults(): void {
	const proto = (globalThis as unknown as { FileSystemSyncAccessHandle?: { prototype: Record<string, unknown> } })
		.FileSystemSyncAccessHandle?.prototype;
	if (!proto || proto.__orreryFaults) return;
	for (const method of ['write', 'truncate', 'flush']) {
		const original = proto[method] as (...args: unknown[]) => unknown;
		proto[method] = function (this: unknown, ...args: unknown[]) {
			try {
				const result = original.apply(this, args);
				if (method === 'write') {
					const wanted = (args[0] as ArrayBufferView).byteLength;
					if (result !== wanted) lastFault = writeFault(result, wanted);
				}
				return result;
			} catch (e) {
				lastFault = e instanceof Error ? e : new Error(String(e));
				throw e;
			}
		};
	}
	proto.__orreryFaults = true;
}

export class SahPoolStorage implements DbStorage {
	constructor(
		private readonly sqlite3: Sqlite3Static,
		private readonly pool: SAHPoolUtil
	) {
		recordAccessHandleFaults();
	}

	takeFault(): Error | undefined {
		const fault = lastFault;
		lastFault = undefined;
		return fault;
	}

	open(name: string): Sql {
		return new Sql(new this.pool.OpfsSAHPoolDb(name));
	}

	list(): string[] {
		return this.pool.getFileNames().filter((n) => n.endsWith('.sqlite3'));
	}

	exists(name: string): boolean {
		return this.pool.getFileNames().includes(name);
	}

	remove(name: string): void {
		for (const suffix of ['', '-journal', '-wal']) this.pool.unlink(name + suffix);
	}

	read(name: string): Uint8Array {
		return this.pool.exportFile(name);
	}

	async write(name: string, bytes: Uint8Array): Promise<void> {
		await this.reserve(this.pool.getFileCount() + 3);
		await this.pool.importDb(name, bytes);
	}

	async setAside(name: string): Promise<string> {
		const bytes = this.read(name);
		const kept = `${name.replace(/^\//, '')}.${Date.now()}.damaged`;
		const dir = await this.#setAsideDir();
		const file = await dir.getFileHandle(kept, { create: true });
		const writable = await file.createWritable();
		await writable.write(bytes as Uint8Array<ArrayBuffer>);
		await writable.close();
		this.remove(name);
		return kept;
	}

	async listSetAside(): Promise<string[]> {
		const names: string[] = [];
		const dir = await this.#setAsideDir();
		for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(key);
		return names.sort();
	}

	async readSetAside(name: string): Promise<Uint8Array> {
		const dir = await this.#setAsideDir();
		const file = await (await dir.getFileHandle(name)).getFile();
		return new Uint8Array(await file.arrayBuffer());
	}

	async reserve(files: number): Promise<void> {
		await this.pool.reserveMinimumCapacity(files);
	}

	async #setAsideDir(): Promise<FileSystemDirectoryHandle> {
		const root = await navigator.storage.getDirectory();
		return root.getDirectoryHandle(SET_ASIDE_DIR, { create: true });
	}
}
