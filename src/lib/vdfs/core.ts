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
import { migrate } from './db/migrate';
import { NODE_DB, nodeMigrations } from './db/node-schema';
import type { Sql } from './db/sql';
import type { DbStorage } from './db/storage';
import { listChildren, putEntries } from './entries/entries';
import { toVdfsError } from './errors';
import type { ChangeEvent } from './events';
import { newId, type DeviceId, type LibraryId, type LocationId } from './ids';
import { Libraries, POOL_FILES_PER_LIBRARY, requireName } from './library/libraries';
import type { ThisDevice } from './library/library';
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

/** The VDFS core: owns the databases; runs in the leader tab's worker (or in Node tests). */
export class Core implements CoreApi {
	#storage: DbStorage;
	#emit: (event: ChangeEvent) => void;
	#node: Sql;
	#device: ThisDevice;
	#libraries: Libraries;
	/** Calls run one at a time: one that awaits (storage) must not interleave with another. */
	#queue: Promise<unknown> = Promise.resolve();

	private constructor(options: CoreOptions, node: Sql, device: ThisDevice) {
		this.#storage = options.storage;
		this.#emit = options.emit ?? (() => {});
		this.#node = node;
		this.#device = device;
		this.#libraries = new Libraries(this.#storage, node, () => this.#device, this.#emit);
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
		core.#libraries.start();
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
			this.#libraries.refreshDevice();
			this.#emit({ topic: 'settings' });
		});
	}

	// ---- libraries

	listLibraries(): Promise<LibrarySummary[]> {
		return this.#call(() => this.#libraries.list());
	}

	createLibrary(input: { name: string; id?: LibraryId }): Promise<LibrarySummary> {
		return this.#call(() => this.#libraries.create(input));
	}

	renameLibrary(id: LibraryId, name: string): Promise<void> {
		return this.#call(() => this.#libraries.rename(id, name));
	}

	deleteLibrary(id: LibraryId): Promise<void> {
		return this.#call(() => this.#libraries.delete(id));
	}

	switchLibrary(id: LibraryId): Promise<void> {
		return this.#call(() => this.#libraries.switchTo(id));
	}

	libraryStats(): Promise<LibraryStats> {
		return this.#call(() => {
			const sql = this.#libraries.require().sql;
			return {
				locations: sql.value<number>('SELECT count(*) FROM location') ?? 0,
				entries: sql.value<number>('SELECT count(*) FROM entry WHERE parent_id IS NOT NULL') ?? 0,
				bytes: sql.value<number>('SELECT coalesce(sum(size), 0) FROM entry WHERE is_dir = 0') ?? 0
			};
		});
	}

	exportLibrary(id: LibraryId): Promise<Uint8Array> {
		return this.#call(() => this.#libraries.exportBytes(id));
	}

	importLibrary(bytes: Uint8Array, name: string, id?: LibraryId): Promise<LibrarySummary> {
		return this.#call(() => this.#libraries.import(bytes, name, id));
	}

	setAsideLibrary(id: LibraryId): Promise<{ keptAs: string }> {
		return this.#call(async () => ({ keptAs: await this.#libraries.setAside(id) }));
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
			const lib = this.#libraries.require();
			const location = createLocation(lib, input);
			this.#emit({ topic: 'location', library: lib.id, ids: [location.id] });
			return location;
		});
	}

	listLocations(): Promise<LocationSummary[]> {
		return this.#call(() => listLocations(this.#libraries.require()));
	}

	putEntries(location: LocationId, entries: EntryInput[]): Promise<number> {
		return this.#call(() => {
			const lib = this.#libraries.require();
			const written = putEntries(lib, location, entries);
			if (written > 0) this.#emit({ topic: 'entry', library: lib.id });
			return written;
		});
	}

	listChildren(location: LocationId, dirPath: string, options?: ListOptions): Promise<EntryRow[]> {
		return this.#call(() => listChildren(this.#libraries.require(), location, dirPath, options));
	}

	searchNames(query: string, options?: SearchOptions): Promise<EntryRow[]> {
		return this.#call(() => searchNames(this.#libraries.require(), query, options));
	}

	/** Closes every database (before the worker is terminated or the pool paused). */
	close(): void {
		this.#libraries.close();
		this.#node.close();
	}

	// ---- internals

	/**
	 * Every API call goes through here, one at a time. Errors become VdfsErrors; a storage fault
	 * (a full disk) explains an SQLITE_IOERR better than SQLite can; and damage found in the
	 * open library while using it marks that library broken, so the UI shows the way out
	 * instead of failing silently. Damage in another library's file is only reported.
	 */
	#call<T>(fn: () => T | Promise<T>): Promise<T> {
		const run = this.#queue.then(async () => {
			this.#storage.takeFault?.();
			try {
				return await fn();
			} catch (e) {
				const fault = this.#storage.takeFault?.();
				const err = toVdfsError(fault && toVdfsError(fault).code === 'QuotaExceeded' ? fault : e);
				const open = this.#libraries.current;
				const inOpen = open && (err.detail?.library ?? open.id) === open.id;
				if (err.code === 'DatabaseCorrupt' && inOpen) this.#libraries.markCurrentBroken(err);
				throw err;
			}
		});
		this.#queue = run.catch(() => {});
		return run;
	}
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
