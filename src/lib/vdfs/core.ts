import type {
	CoreApi,
	EntryInput,
	EntryRow,
	LibraryStats,
	LibrarySummary,
	ListOptions,
	LocationKind,
	LocationSummary,
	NodeSettings,
	SearchOptions
} from './api';
import { libraryFileName, libraryIdFromFileName } from './db/library-schema';
import { migrate } from './db/migrate';
import { NODE_DB, nodeMigrations } from './db/node-schema';
import type { Sql } from './db/sql';
import type { DbStorage } from './db/storage';
import { listChildren, putEntries } from './entries/entries';
import { VdfsError, serializeError, toVdfsError } from './errors';
import type { ChangeEvent } from './events';
import { newId, type DeviceId, type LibraryId, type LocationId } from './ids';
import { OpenLibrary, type ThisDevice } from './library/library';
import { openLibraryDb } from './library/open-library';
import * as registry from './library/registry';
import { createLocation, listLocations } from './locations/locations';
import { searchNames } from './search/names';

export interface CoreOptions {
	storage: DbStorage;
	/** Where change events go (the worker broadcasts them to every tab). */
	emit?: (event: ChangeEvent) => void;
	/** A default name for this device, e.g. from the user agent. @default 'This device' */
	defaultDeviceName?: string;
	/** @default '' */
	platform?: string;
}

/** Each library takes its file and up to two journal files in the sahpool. */
const POOL_FILES_PER_LIBRARY = 3;

/** The VDFS core: owns the databases; runs in the leader tab's worker (or in Node tests). */
export class Core implements CoreApi {
	#storage: DbStorage;
	#emit: (event: ChangeEvent) => void;
	#node: Sql;
	#device: ThisDevice;
	#library: OpenLibrary | null = null;
	/** Libraries whose file could not be opened, with why. */
	#broken = new Map<LibraryId, VdfsError>();

	private constructor(options: CoreOptions, node: Sql, device: ThisDevice) {
		this.#storage = options.storage;
		this.#emit = options.emit ?? (() => {});
		this.#node = node;
		this.#device = device;
	}

	static async start(options: CoreOptions): Promise<Core> {
		const { storage } = options;
		await storage.reserve(POOL_FILES_PER_LIBRARY * (storage.list().length + 2));
		const node = await openNodeDb(storage);
		let deviceId = registry.getSetting(node, 'device_id') as DeviceId | undefined;
		if (!deviceId) {
			deviceId = newId<DeviceId>();
			registry.setSetting(node, 'device_id', deviceId);
		}
		const device: ThisDevice = {
			id: deviceId,
			name: registry.getSetting(node, 'device_name') ?? options.defaultDeviceName ?? 'This device',
			platform: options.platform ?? ''
		};
		const core = new Core(options, node, device);
		core.#adoptLibraryFiles();
		const current = registry.getSetting(node, 'current_library') as LibraryId | undefined;
		if (current) core.#tryOpen(current);
		return core;
	}

	// ---- settings

	settings(): Promise<NodeSettings> {
		return this.#call(() => ({
			deviceId: this.#device.id,
			deviceName: this.#device.name,
			currentLibrary: (registry.getSetting(this.#node, 'current_library') as LibraryId | undefined) ?? null
		}));
	}

	setDeviceName(name: string): Promise<void> {
		return this.#call(() => {
			const clean = requireName(name, 'device');
			registry.setSetting(this.#node, 'device_name', clean);
			this.#device = { ...this.#device, name: clean };
			if (this.#library) this.#library = this.#reattach(this.#library);
			this.#emit({ topic: 'settings' });
		});
	}

	// ---- libraries

	listLibraries(): Promise<LibrarySummary[]> {
		return this.#call(() => this.#summaries());
	}

	createLibrary(input: { name: string; id?: LibraryId }): Promise<LibrarySummary> {
		return this.#call(async () => {
			const name = requireName(input.name, 'library');
			const id = input.id ?? newId<LibraryId>();
			const existing = registry.registryRows(this.#node).find((r) => r.uuid === id);
			if (!existing) {
				await this.#storage.reserve(POOL_FILES_PER_LIBRARY * (this.#storage.list().length + 2));
				const sql = openLibraryDb(this.#storage, id);
				OpenLibrary.attach(id, sql, name, this.#device).close();
				registry.registryAdd(this.#node, { uuid: id, name, created_at: Date.now() });
				this.#emit({ topic: 'library', ids: [id] });
			}
			if (!this.#library) this.#switchTo(id);
			return this.#summary(id);
		});
	}

	renameLibrary(id: LibraryId, name: string): Promise<void> {
		return this.#call(() => {
			const clean = requireName(name, 'library');
			this.#requireRegistered(id);
			this.#withLibrary(id, (lib) => lib.rename(clean));
			registry.registryRename(this.#node, id, clean);
			this.#emit({ topic: 'library', ids: [id] });
		});
	}

	deleteLibrary(id: LibraryId): Promise<void> {
		return this.#call(() => {
			this.#requireRegistered(id);
			if (this.#library?.id === id) {
				this.#library.close();
				this.#library = null;
			}
			this.#storage.remove(libraryFileName(id));
			registry.registryRemove(this.#node, id);
			this.#broken.delete(id);
			if (registry.getSetting(this.#node, 'current_library') === id) {
				const next = registry.registryRows(this.#node)[0];
				registry.setSetting(this.#node, 'current_library', null);
				if (next) this.#switchTo(next.uuid);
			}
			this.#emit({ topic: 'library', ids: [id] });
		});
	}

	switchLibrary(id: LibraryId): Promise<void> {
		return this.#call(() => {
			this.#requireRegistered(id);
			this.#switchTo(id);
		});
	}

	libraryStats(): Promise<LibraryStats> {
		return this.#call(() => {
			const sql = this.#current().sql;
			return {
				locations: sql.value<number>('SELECT count(*) FROM location') ?? 0,
				entries: sql.value<number>('SELECT count(*) FROM entry WHERE parent_id IS NOT NULL') ?? 0,
				bytes: sql.value<number>('SELECT coalesce(sum(size), 0) FROM entry WHERE is_dir = 0') ?? 0
			};
		});
	}

	exportLibrary(id: LibraryId): Promise<Uint8Array> {
		return this.#call(() => {
			this.#requireRegistered(id);
			if (this.#library?.id !== id) return this.#storage.read(libraryFileName(id));
			// Closing folds the WAL into the file (the last connection checkpoints), so the copy
			// holds every commit; then the library is opened again.
			this.#library.close();
			this.#library = null;
			try {
				return this.#storage.read(libraryFileName(id));
			} finally {
				this.#tryOpen(id);
			}
		});
	}

	importLibrary(bytes: Uint8Array, name: string): Promise<LibrarySummary> {
		return this.#call(async () => {
			const clean = requireName(name, 'library');
			const id = newId<LibraryId>();
			try {
				await this.#storage.write(libraryFileName(id), bytes);
			} catch (e) {
				const err = toVdfsError(e);
				if (err.code === 'QuotaExceeded') throw err;
				throw new VdfsError('InvalidInput', `That file is not an Orrery library backup (${err.message}).`);
			}
			registry.registryAdd(this.#node, { uuid: id, name: clean, created_at: Date.now() });
			this.#switchTo(id);
			this.#emit({ topic: 'library', ids: [id] });
			return this.#summary(id);
		});
	}

	setAsideLibrary(id: LibraryId): Promise<{ keptAs: string }> {
		return this.#call(async () => {
			const row = this.#requireRegistered(id);
			if (this.#library?.id === id) {
				this.#library.close();
				this.#library = null;
			}
			const keptAs = await this.#storage.setAside(libraryFileName(id));
			this.#broken.delete(id);
			const sql = openLibraryDb(this.#storage, id);
			OpenLibrary.attach(id, sql, row.name, this.#device).close();
			this.#switchTo(id);
			this.#emit({ topic: 'library', ids: [id] });
			return { keptAs };
		});
	}

	listSetAside(): Promise<string[]> {
		return this.#call(() => this.#storage.listSetAside());
	}

	readSetAside(name: string): Promise<Uint8Array> {
		return this.#call(() => this.#storage.readSetAside(name));
	}

	// ---- locations and entries

	createLocation(input: { name: string; kind: LocationKind; id?: LocationId }): Promise<LocationSummary> {
		return this.#call(() => {
			const lib = this.#current();
			const location = createLocation(lib, input);
			this.#emit({ topic: 'location', library: lib.id, ids: [location.id] });
			return location;
		});
	}

	listLocations(): Promise<LocationSummary[]> {
		return this.#call(() => listLocations(this.#current()));
	}

	putEntries(location: LocationId, entries: EntryInput[]): Promise<number> {
		return this.#call(() => {
			const lib = this.#current();
			const written = putEntries(lib, location, entries);
			if (written > 0) this.#emit({ topic: 'entry', library: lib.id });
			return written;
		});
	}

	listChildren(location: LocationId, dirPath: string, options?: ListOptions): Promise<EntryRow[]> {
		return this.#call(() => listChildren(this.#current(), location, dirPath, options));
	}

	searchNames(query: string, options?: SearchOptions): Promise<EntryRow[]> {
		return this.#call(() => searchNames(this.#current(), query, options));
	}

	/** Closes every database (before the worker is terminated or the pool paused). */
	close(): void {
		this.#library?.close();
		this.#library = null;
		this.#node.close();
	}

	// ---- internals

	/**
	 * Every API call goes through here: errors become VdfsErrors, and a library that turns out
	 * damaged mid-use is marked broken so the UI shows the way out instead of failing silently.
	 */
	async #call<T>(fn: () => T | Promise<T>): Promise<T> {
		this.#storage.takeFault?.();
		try {
			return await fn();
		} catch (e) {
			// A storage fault (a full disk) explains an SQLITE_IOERR better than SQLite can.
			const fault = this.#storage.takeFault?.();
			const err = toVdfsError(fault && toVdfsError(fault).code === 'QuotaExceeded' ? fault : e);
			if (err.code === 'DatabaseCorrupt' && this.#library) {
				const id = this.#library.id;
				this.#library.close();
				this.#library = null;
				this.#broken.set(id, new VdfsError(err.code, err.message, { ...err.detail, library: id }));
				this.#emit({ topic: 'library', ids: [id] });
			}
			throw err;
		}
	}

	#current(): OpenLibrary {
		if (this.#library) return this.#library;
		const current = registry.getSetting(this.#node, 'current_library') as LibraryId | undefined;
		const broken = current && this.#broken.get(current);
		if (broken) throw broken;
		throw new VdfsError('NotFound', 'No library is open. Create or choose a library first.');
	}

	#requireRegistered(id: LibraryId): registry.RegistryRow {
		const row = registry.registryRows(this.#node).find((r) => r.uuid === id);
		if (!row) throw new VdfsError('NotFound', 'That library no longer exists.');
		return row;
	}

	#switchTo(id: LibraryId): void {
		if (this.#library?.id !== id) {
			this.#library?.close();
			this.#library = null;
			this.#tryOpen(id);
		}
		registry.setSetting(this.#node, 'current_library', id);
		this.#emit({ topic: 'settings' });
		this.#emit({ topic: 'library', ids: [id] });
	}

	/** Opens a library as the current one; a damaged file is remembered as broken, not thrown. */
	#tryOpen(id: LibraryId): void {
		const row = registry.registryRows(this.#node).find((r) => r.uuid === id);
		if (!row) return;
		try {
			this.#library = OpenLibrary.attach(id, openLibraryDb(this.#storage, id), row.name, this.#device);
			this.#broken.delete(id);
		} catch (e) {
			const err = toVdfsError(e);
			this.#broken.set(id, new VdfsError(err.code, err.message, { ...err.detail, library: id }));
		}
	}

	#reattach(lib: OpenLibrary): OpenLibrary {
		return OpenLibrary.attach(lib.id, lib.sql, lib.name, this.#device);
	}

	/** Runs fn on a library, opening it briefly when it is not the current one. */
	#withLibrary(id: LibraryId, fn: (lib: OpenLibrary) => void): void {
		if (this.#library?.id === id) return fn(this.#library);
		const row = this.#requireRegistered(id);
		const lib = OpenLibrary.attach(id, openLibraryDb(this.#storage, id), row.name, this.#device);
		try {
			fn(lib);
		} finally {
			lib.close();
		}
	}

	/** Library files present without a registry row (e.g. after the node database was reset). */
	#adoptLibraryFiles(): void {
		const known = new Set(registry.registryRows(this.#node).map((r) => r.uuid));
		for (const file of this.#storage.list()) {
			const id = libraryIdFromFileName(file) as LibraryId | undefined;
			if (!id || known.has(id)) continue;
			let name = 'Recovered library';
			try {
				const sql = openLibraryDb(this.#storage, id);
				name = sql.value<string>("SELECT value FROM library_meta WHERE key = 'name'") ?? name;
				sql.close();
			} catch {
				// Adopted anyway: it will show as broken with its reason when opened.
			}
			registry.registryAdd(this.#node, { uuid: id, name, created_at: Date.now() });
		}
		for (const row of registry.registryRows(this.#node)) {
			if (!this.#storage.exists(libraryFileName(row.uuid))) registry.registryRemove(this.#node, row.uuid);
		}
	}

	#summaries(): LibrarySummary[] {
		return registry.registryRows(this.#node).map((row) => this.#summary(row.uuid, row));
	}

	#summary(id: LibraryId, row = this.#requireRegistered(id)): LibrarySummary {
		const broken = this.#broken.get(id);
		const current = registry.getSetting(this.#node, 'current_library') === id;
		return broken
			? { id, name: row.name, createdAt: row.created_at, state: 'broken', error: serializeError(broken), current }
			: { id, name: row.name, createdAt: row.created_at, state: 'ok', current };
	}
}

function requireName(name: string, what: string): string {
	const clean = typeof name === 'string' ? name.trim() : '';
	if (!clean) throw new VdfsError('InvalidInput', `The ${what} needs a name.`);
	if (clean.length > 200) throw new VdfsError('InvalidInput', `A ${what} name can have at most 200 characters.`);
	return clean;
}

/**
 * The node database holds only settings and the library registry, both rebuildable, so a
 * damaged one is set aside and started fresh (libraries are re-adopted from their files).
 */
async function openNodeDb(storage: DbStorage): Promise<Sql> {
	try {
		const sql = storage.open(NODE_DB);
		try {
			migrate(sql, nodeMigrations, 'settings database');
			return sql;
		} catch (e) {
			sql.close();
			throw e;
		}
	} catch (e) {
		if (toVdfsError(e).code !== 'DatabaseCorrupt') throw e;
		await storage.setAside(NODE_DB);
		const sql = storage.open(NODE_DB);
		migrate(sql, nodeMigrations, 'settings database');
		return sql;
	}
}
