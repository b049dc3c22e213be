import type { LibrarySummary } from '../api';
import { libraryFileName, libraryIdFromFileName } from '../db/library-schema';
import type { Sql } from '../db/sql';
import type { DbStorage } from '../db/storage';
import { VdfsError, serializeError, toVdfsError } from '../errors';
import type { ChangeEvent } from '../events';
import { newId, type LibraryId } from '../ids';
import { OpenLibrary, type ThisDevice } from './library';
import { openLibraryDb } from './open-library';
import * as registry from './registry';

/** Each library takes its file and up to two journal files in the sahpool. */
export const POOL_FILES_PER_LIBRARY = 3;

/**
 * The libraries of this device: the registry in the node database, the one open library, and
 * those whose file could not be opened (kept with the reason, so the UI can offer a way out).
 */
export class Libraries {
	#current: OpenLibrary | null = null;
	#broken = new Map<LibraryId, VdfsError>();

	constructor(
		private readonly storage: DbStorage,
		private readonly node: Sql,
		private readonly device: () => ThisDevice,
		private readonly emit: (event: ChangeEvent) => void
	) {}

	/** Adopts stray library files, then opens the current library (or the first one). */
	start(): void {
		this.#adoptFiles();
		const rows = registry.registryRows(this.node);
		const saved = registry.getSetting(this.node, 'current_library') as LibraryId | undefined;
		const current = rows.find((r) => r.uuid === saved)?.uuid ?? rows[0]?.uuid;
		if (current) this.#switchTo(current, { quiet: true });
	}

	/** The open library, or the reason there is none. */
	require(): OpenLibrary {
		if (this.#current) return this.#current;
		const saved = registry.getSetting(this.node, 'current_library') as LibraryId | undefined;
		const broken = saved && this.#broken.get(saved);
		if (broken) throw broken;
		throw new VdfsError('NotFound', 'No library is open. Create or choose a library first.');
	}

	get current(): OpenLibrary | null {
		return this.#current;
	}

	list(): LibrarySummary[] {
		return registry.registryRows(this.node).map((row) => this.#summary(row));
	}

	async create(input: { name: string; id?: LibraryId }): Promise<LibrarySummary> {
		const name = requireName(input.name, 'library');
		const id = input.id ?? newId<LibraryId>();
		if (!this.#row(id)) {
			await this.storage.reserve(POOL_FILES_PER_LIBRARY * (this.storage.list().length + 2));
			try {
				this.#open(id, name).close();
			} catch (e) {
				// Leave no half-made file behind for the next start to adopt.
				this.storage.remove(libraryFileName(id));
				throw e;
			}
			registry.registryAdd(this.node, { uuid: id, name, created_at: Date.now() });
			this.emit({ topic: 'library', ids: [id] });
		}
		if (!this.#current) this.#switchTo(id);
		return this.#summary(this.#require(id));
	}

	rename(id: LibraryId, name: string): void {
		const clean = requireName(name, 'library');
		this.#require(id);
		// The registry holds the name shown; a damaged file cannot be renamed inside, and need not be.
		if (this.#current?.id === id) this.#current.rename(clean);
		else if (!this.#broken.has(id)) {
			const lib = this.#open(id, clean);
			try {
				lib.rename(clean);
			} finally {
				lib.close();
			}
		}
		registry.registryRename(this.node, id, clean);
		this.emit({ topic: 'library', ids: [id] });
	}

	delete(id: LibraryId): void {
		this.#require(id);
		if (this.#current?.id === id) this.#closeCurrent();
		this.storage.remove(libraryFileName(id));
		registry.registryRemove(this.node, id);
		this.#broken.delete(id);
		if (registry.getSetting(this.node, 'current_library') === id) {
			registry.setSetting(this.node, 'current_library', null);
			const next = registry.registryRows(this.node)[0];
			if (next) this.#switchTo(next.uuid);
		}
		this.emit({ topic: 'library', ids: [id] });
	}

	switchTo(id: LibraryId): void {
		this.#require(id);
		// Choosing a broken library again retries it (the cause may have passed, e.g. a full disk).
		this.#broken.delete(id);
		this.#switchTo(id, { reopen: true });
	}

	exportBytes(id: LibraryId): Uint8Array {
		this.#require(id);
		if (this.#current?.id !== id) return this.storage.read(libraryFileName(id));
		// Closing folds the WAL into the file (the last connection checkpoints), so the copy holds
		// every commit; then the library is opened again.
		this.#closeCurrent();
		try {
			return this.storage.read(libraryFileName(id));
		} finally {
			this.#openCurrent(id);
		}
	}

	async import(bytes: Uint8Array, name: string, id: LibraryId = newId<LibraryId>()): Promise<LibrarySummary> {
		const clean = requireName(name, 'library');
		if (!this.#row(id)) {
			await this.storage.reserve(POOL_FILES_PER_LIBRARY * (this.storage.list().length + 2));
			try {
				await this.storage.write(libraryFileName(id), bytes);
			} catch (e) {
				const err = toVdfsError(e);
				if (err.code === 'QuotaExceeded') throw err;
				throw new VdfsError('InvalidInput', `That file is not an Orrery library backup (${err.message}).`);
			}
			registry.registryAdd(this.node, { uuid: id, name: clean, created_at: Date.now() });
			// A backup is a new library: it takes this id (two libraries sharing one would confuse
			// sync) and the name it was given. A file that fails this shows up as broken.
			try {
				const lib = this.#open(id, clean, { fullCheck: true });
				lib.rename(clean);
				lib.close();
			} catch (e) {
				this.#markBroken(id, e);
			}
			this.emit({ topic: 'library', ids: [id] });
		}
		this.#switchTo(id);
		return this.#summary(this.#require(id));
	}

	async setAside(id: LibraryId): Promise<string> {
		const row = this.#require(id);
		if (this.#current?.id === id) this.#closeCurrent();
		const keptAs = await this.storage.setAside(libraryFileName(id));
		this.#broken.delete(id);
		this.#open(id, row.name).close();
		this.#switchTo(id, { reopen: true });
		this.emit({ topic: 'library', ids: [id] });
		return keptAs;
	}

	/** A damaged page found while using the open library: close it and show the way out. */
	markCurrentBroken(e: unknown): void {
		if (!this.#current) return;
		const id = this.#current.id;
		this.#closeCurrent();
		this.#markBroken(id, e);
		this.emit({ topic: 'library', ids: [id] });
	}

	/** Writes this device's name and platform into the open library. */
	refreshDevice(): void {
		this.#current?.attachDevice(this.device());
	}

	close(): void {
		this.#closeCurrent();
	}

	#switchTo(id: LibraryId, { quiet = false, reopen = false } = {}): void {
		if (this.#current?.id !== id || reopen) {
			this.#closeCurrent();
			this.#openCurrent(id);
		}
		registry.setSetting(this.node, 'current_library', id);
		if (!quiet) {
			this.emit({ topic: 'settings' });
			this.emit({ topic: 'library', ids: [id] });
		}
	}

	/** Opens a library as the current one; a file that fails is remembered as broken, not thrown. */
	#openCurrent(id: LibraryId): void {
		const row = this.#row(id);
		if (!row) return;
		try {
			this.#current = this.#open(id, row.name);
			this.#broken.delete(id);
		} catch (e) {
			this.#markBroken(id, e);
		}
	}

	/** Opens and attaches a library file; the connection is closed again if anything fails. */
	#open(id: LibraryId, name: string, options?: { fullCheck?: boolean }): OpenLibrary {
		const sql = openLibraryDb(this.storage, id, options);
		try {
			return OpenLibrary.attach(id, sql, name, this.device());
		} catch (e) {
			sql.close();
			throw e;
		}
	}

	#closeCurrent(): void {
		this.#current?.close();
		this.#current = null;
	}

	#markBroken(id: LibraryId, e: unknown): void {
		const err = toVdfsError(e);
		this.#broken.set(id, new VdfsError(err.code, err.message, { ...err.detail, library: id }));
	}

	#row(id: LibraryId): registry.RegistryRow | undefined {
		return registry.registryRows(this.node).find((r) => r.uuid === id);
	}

	#require(id: LibraryId): registry.RegistryRow {
		const row = this.#row(id);
		if (!row) throw new VdfsError('NotFound', 'That library no longer exists.');
		return row;
	}

	/** Library files present without a registry row (e.g. after the node database was reset). */
	#adoptFiles(): void {
		const known = new Set(registry.registryRows(this.node).map((r) => r.uuid));
		for (const file of this.storage.list()) {
			const id = libraryIdFromFileName(file) as LibraryId | undefined;
			if (!id || known.has(id)) continue;
			let name = 'Recovered library';
			try {
				const sql = openLibraryDb(this.storage, id);
				name = sql.value<string>("SELECT value FROM library_meta WHERE key = 'name'") ?? name;
				sql.close();
			} catch {
				// Adopted anyway: it shows as broken, with its reason, when opened.
			}
			registry.registryAdd(this.node, { uuid: id, name, created_at: Date.now() });
		}
		for (const row of registry.registryRows(this.node)) {
			if (!this.storage.exists(libraryFileName(row.uuid))) registry.registryRemove(this.node, row.uuid);
		}
	}

	#summary(row: registry.RegistryRow): LibrarySummary {
		const id = row.uuid;
		const broken = this.#broken.get(id);
		const current = registry.getSetting(this.node, 'current_library') === id;
		const base = { id, name: row.name, createdAt: row.created_at, current };
		return broken ? { ...base, state: 'broken', error: serializeError(broken) } : { ...base, state: 'ok' };
	}
}

export function requireName(name: string, what: string): string {
	const clean = typeof name === 'string' ? name.trim() : '';
	if (!clean) throw new VdfsError('InvalidInput', `The ${what} needs a name.`);
	if (clean.length > 200) throw new VdfsError('InvalidInput', `A ${what} name can have at most 200 characters.`);
	return clean;
}
