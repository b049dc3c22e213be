import type {
	AddLocationInput,
	CoreApi,
	JobProblem,
	JobSummary,
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
import { VdfsError, toVdfsError } from './errors';
import type { ChangeEvent } from './events';
import type { LocationRoots } from './fs/roots';
import { newId, type DeviceId, type JobId, type LibraryId, type LocationId } from './ids';
import * as jobs from './jobs/jobs';
import { JobRunner } from './jobs/runner';
import { Libraries, POOL_FILES_PER_LIBRARY, requireName } from './library/libraries';
import type { OpenLibrary, ThisDevice } from './library/library';
import * as registry from './library/registry';
import { createLocation, getLocation, listLocations, locationRowId } from './locations/locations';
import { searchNames } from './search/names';

export interface CoreOptions {
	storage: DbStorage;
	/** Where change events go (the worker broadcasts them to every tab). */
	emit?: (event: ChangeEvent) => void;
	/** A default name for this device, e.g. from the user agent. @default 'This device' */
	defaultDeviceName?: string;
	/** @default '' */
	platform?: string;
	/** What reaches each location's files. Without it, locations have no files behind them. */
	roots?: LocationRoots;
}

/** The VDFS core: owns the databases; runs in the leader tab's worker (or in Node tests). */
export class Core implements CoreApi {
	#storage: DbStorage;
	#emit: (event: ChangeEvent) => void;
	#node: Sql;
	#device: ThisDevice;
	#libraries: Libraries;
	#roots: LocationRoots | undefined;
	#jobs: JobRunner;
	/** Calls run one at a time: one that awaits (storage) must not interleave with another. */
	#queue: Promise<unknown> = Promise.resolve();

	private constructor(options: CoreOptions, node: Sql, device: ThisDevice) {
		this.#storage = options.storage;
		this.#emit = options.emit ?? (() => {});
		this.#node = node;
		this.#device = device;
		this.#libraries = new Libraries(this.#storage, node, () => this.#device, this.#emit);
		this.#roots = options.roots;
		this.#jobs = new JobRunner(
			() => this.#libraries.current,
			(location) => this.#requireRoots().source(location),
			this.#emit
		);
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
		core.#jobs.resumeAfterOpen();
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
		return this.#libraryOp(() => this.#libraries.create(input));
	}

	renameLibrary(id: LibraryId, name: string): Promise<void> {
		return this.#call(() => this.#libraries.rename(id, name));
	}

	deleteLibrary(id: LibraryId): Promise<void> {
		return this.#libraryOp(() => this.#libraries.delete(id));
	}

	switchLibrary(id: LibraryId): Promise<void> {
		return this.#libraryOp(() => this.#libraries.switchTo(id));
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
		return this.#libraryOp(() => this.#libraries.exportBytes(id));
	}

	importLibrary(bytes: Uint8Array, name: string, id?: LibraryId): Promise<LibrarySummary> {
		return this.#libraryOp(() => this.#libraries.import(bytes, name, id));
	}

	setAsideLibrary(id: LibraryId): Promise<{ keptAs: string }> {
		return this.#libraryOp(async () => ({ keptAs: await this.#libraries.setAside(id) }));
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

	addLocation(input: AddLocationInput): Promise<LocationSummary> {
		return this.#call(async () => {
			const lib = this.#libraries.require();
			const roots = this.#requireRoots();
			if (input.kind === 'fsa' && !input.handle) throw new VdfsError('InvalidInput', 'Pick a folder to add.');
			if (input.kind === 'snapshot' && !input.files?.length) {
				throw new VdfsError('InvalidInput', 'The imported folder has no files.');
			}
			const existing = input.id ? getLocation(lib, input.id) : undefined;
			// The same id again: a retried call, or a snapshot imported again, which updates its
			// index in place (entries matched by path) instead of adding a second copy.
			if (existing && existing.kind !== 'snapshot') return existing;
			const location = existing ?? createLocation(lib, { name: input.name, kind: input.kind, id: input.id });
			await roots.attach(location, { handle: input.handle, files: input.files });
			this.#queueIndex(lib, location.id);
			this.#emit({ topic: 'location', library: lib.id, ids: [location.id] });
			return location;
		});
	}

	rescanLocation(id: LocationId): Promise<JobId> {
		return this.#call(() => this.#queueIndex(this.#libraries.require(), id));
	}

	removeLocation(id: LocationId): Promise<void> {
		return this.#call(async () => {
			const lib = this.#libraries.require();
			const location = this.#requireLocation(id);
			await this.#jobs.hold();
			try {
				lib.sql.tx(() => {
					const rowId = locationRowId(lib, id);
					const seq = lib.takeSeq(1);
					lib.sql.run('INSERT INTO tombstone (device_id, seq, row_kind, uuid) VALUES (?, ?, ?, ?)', [
						lib.deviceRowId,
						seq,
						'location',
						id
					]);
					lib.sql.run('DELETE FROM job WHERE location_id = ?', [rowId]);
					lib.sql.run('DELETE FROM location WHERE id = ?', [rowId]);
				});
			} finally {
				this.#jobs.release();
			}
			await this.#roots?.detach(location);
			this.#emit({ topic: 'location', library: lib.id, ids: [id] });
			this.#emit({ topic: 'entry', library: lib.id });
			this.#emit({ topic: 'job', library: lib.id });
		});
	}

	locationPermission(id: LocationId): Promise<'granted' | 'prompt' | 'denied'> {
		return this.#call(() => this.#requireRoots().permission(this.#requireLocation(id)));
	}

	locationHandle(id: LocationId): Promise<FileSystemDirectoryHandle | null> {
		return this.#call(() => this.#requireRoots().handle(this.#requireLocation(id)));
	}

	listLocations(): Promise<LocationSummary[]> {
		return this.#call(() => listLocations(this.#libraries.require()));
	}

	// ---- jobs

	listJobs(): Promise<JobSummary[]> {
		return this.#call(() => {
			const live = this.#jobs.live();
			return jobs
				.listJobs(this.#libraries.require())
				.map((job) =>
					live && job.id === live.id && job.state === 'running' ? { ...job, progress: live.progress } : job
				);
		});
	}

	jobProblems(id: JobId): Promise<JobProblem[]> {
		return this.#call(() => jobs.jobProblems(this.#libraries.require(), id));
	}

	pauseJob(id: JobId): Promise<void> {
		return this.#call(() => this.#jobs.pause(id));
	}

	resumeJob(id: JobId): Promise<void> {
		return this.#call(() => this.#jobs.resume(id));
	}

	cancelJob(id: JobId): Promise<void> {
		return this.#call(() => this.#jobs.cancel(id));
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

	/** Queues an index job for a location unless one is already queued, running or paused. */
	#queueIndex(lib: OpenLibrary, id: LocationId): JobId {
		const rowId = locationRowId(lib, id);
		const existing = jobs.activeJobFor(lib, 'index', rowId);
		if (existing) {
			if (existing.state === 'paused') this.#jobs.resume(existing.uuid);
			return existing.uuid;
		}
		const job = jobs.createJob(lib, 'index', rowId);
		this.#emit({ topic: 'job', library: lib.id, ids: [job] });
		this.#jobs.kick();
		return job;
	}

	#requireRoots(): LocationRoots {
		if (!this.#roots) throw new VdfsError('InvalidInput', 'This core has no file access.');
		return this.#roots;
	}

	#requireLocation(id: LocationId): LocationSummary {
		const location = getLocation(this.#libraries.require(), id);
		if (!location) throw new VdfsError('NotFound', 'That location is not in this library (it may have been removed).');
		return location;
	}

	/** A call that may close the open library: the running job stops first and resumes after. */
	#libraryOp<T>(fn: () => T | Promise<T>): Promise<T> {
		return this.#call(async () => {
			await this.#jobs.hold();
			try {
				return await fn();
			} finally {
				this.#jobs.release();
			}
		});
	}

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
