import type {
	BrowseOptions,
	AddLocationInput,
	CoreApi,
	DuplicateOptions,
	DuplicateReport,
	EntryDetails,
	JobProblem,
	JobSummary,
	EntryInput,
	EntryRow,
	FolderView,
	ImportResult,
	IndexerRules,
	LibraryStats,
	LibrarySummary,
	ListOptions,
	LocationKind,
	LocationSummary,
	NodeSettings,
	SavedSearch,
	SavedSearchId,
	SearchOptions,
	SearchPageOptions,
	SearchQuery,
	SearchResult,
	EntryMeta,
	LibraryStatistics,
	Tag,
	TagId,
	TagInput,
	DeviceInfo,
	DeviceSummary,
	PairingInvite,
	PairingWelcome,
	PeerSettings,
	FileRef,
	TransferInput,
	TrashItem,
	JobAnswer,
	UndoInfo
} from './api';
import { migrate } from './db/migrate';
import { NODE_DB, nodeMigrations } from './db/node-schema';
import type { Sql } from './db/sql';
import type { DbStorage } from './db/storage';
import {
	STALE_AFTER_MS,
	browseOptions,
	diskFolder,
	indexedFolder,
	locateIndexed,
	locateListed
} from './entries/browse';
import { importFile } from './fs/writes';
import { dirAt } from './ops/handles';
import { FileJob, type FileAccess } from './ops/file-job';
import { FileOps } from './ops/file-ops';
import { updateTotals } from './indexer/indexer';
import { folderRowId, listChildren, putEntries } from './entries/entries';
import { VdfsError, toVdfsError } from './errors';
import type { ChangeEvent } from './events';
import type { LocationRoots } from './fs/roots';
import { fsError, type SourceEntry } from './fs/source';
import {
	isUuid,
	newId,
	type DeviceId,
	type EntryId,
	type JobId,
	type LibraryId,
	type LocationId,
	type TrashId
} from './ids';
import { ChecksumJob, type ChecksumParams } from './identity/checksum-job';
import { duplicateReport, unhashedMembers } from './identity/duplicates';
import { LocalHasher, type Hasher } from './identity/hasher';
import { IdentifyJob } from './identity/identify-job';
import { MediaJob, hasMediaToRead, locationsWithMediaToRead } from './media/media-job';
import { removeThumbs } from './media/thumbs';
import { IndexJob } from './indexer/index-job';
import * as jobs from './jobs/jobs';
import { JobRunner } from './jobs/runner';
import { entryDetails } from './entries/details';
import { Libraries, POOL_FILES_PER_LIBRARY, requireName } from './library/libraries';
import type { OpenLibrary, ThisDevice } from './library/library';
import * as registry from './library/registry';
import {
	cleanRules,
	createLocation,
	getLocation,
	getLocationRules,
	listLocations,
	locationRowId,
	sameRules,
	saveLocationRules
} from './locations/locations';
import { searchNames } from './search/names';
import { search } from './search/query';
import { deleteSavedSearch, saveSearch, savedSearches } from './search/saved';
import { libraryStatistics, libraryTotals } from './stats/stats';
import { createTag, deleteTag, entryMeta, listTags, setEntryMeta, tagEntries, updateTag } from './tags/tags';
import { Watches } from './watch/watches';
import * as devices from './devices/devices';
import * as invites from './devices/invites';
import { checkPeerSettings, readPeerSettings } from './devices/peer-settings';
import type { MediaProbe } from './media/playable';

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
	/** Reads and hashes files for content ids and checksums. @default a LocalHasher (this thread) */
	hasher?: Hasher;
	/** Reads videos and audio (a page's media elements). Without it they keep their kind icon. */
	mediaProbe?: MediaProbe;
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
	#watches: Watches | null;
	#hasher: Hasher;
	#files: FileOps;
	/** Calls run one at a time: one that awaits (storage) must not interleave with another. */
	#queue: Promise<unknown> = Promise.resolve();

	private constructor(options: CoreOptions, node: Sql, device: ThisDevice) {
		this.#storage = options.storage;
		this.#emit = options.emit ?? (() => {});
		this.#node = node;
		this.#device = device;
		this.#libraries = new Libraries(this.#storage, node, () => this.#device, this.#emit);
		this.#roots = options.roots;
		this.#watches = options.roots
			? new Watches(options.roots, (id, full) => void this.#liveUpdate(id, full).catch(() => {}))
			: null;
		this.#hasher = options.hasher ?? new LocalHasher();
		const files = (location: { id: LocationId; kind: LocationKind }) => this.#requireRoots().source(location);
		const identify = new IdentifyJob(files, () => this.#hasher);
		const fileJob = new FileJob(this.#fileAccess());
		this.#jobs = new JobRunner(
			() => this.#libraries.current,
			{
				index: new IndexJob(
					(location) => this.#requireRoots().source(location, { walk: true }),
					this.#watches,
					(lib, row, { written }) => {
						const params = JSON.parse(row.params || '{}') as jobs.IndexParams;
						// A live update that changed nothing has nothing new to identify; every other
						// walk also retries files that could not be read last time.
						if (row.location_id !== null && (written > 0 || !params.changes)) {
							this.#queueIdentify(lib, row.location_id);
						}
					}
				),
				identify: {
					run: (ctx) => identify.run(ctx),
					// Thumbnails and media facts follow content ids: they are keyed by them.
					finished: (lib, row, state) => {
						if (state === 'done' && row.location_id !== null) this.#queueMedia(lib, row.location_id);
					}
				},
				media: new MediaJob(
					files,
					() => this.#hasher,
					() => options.mediaProbe ?? null
				),
				checksum: new ChecksumJob(files, () => this.#hasher),
				copy: fileJob,
				move: fileJob,
				trash: fileJob,
				delete: fileJob,
				restore: fileJob,
				'empty-trash': fileJob
			},
			this.#emit
		);
		this.#files = new FileOps(() => this.#libraries.require(), this.#fileAccess(), this.#jobs, this.#emit);
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
			platform: options.platform ?? '',
			peerId: registry.getSetting(node, 'peer_id')
		};
		const core = new Core(options, node, device);
		core.#libraries.start();
		// Interrupted jobs go back to the queue first, so the upgrades below see them.
		core.#jobs.resumeAfterOpen();
		core.#identifyUpgraded();
		// Not awaited: setting up a recursive watch of a big folder can take a while, and the
		// core answers meanwhile (a job that starts first simply reads every file).
		void core.#syncWatches().catch(() => {});
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

	setPeerId(peerId: string): Promise<void> {
		return this.#call(() => {
			if (typeof peerId !== 'string' || !/^[1-9A-HJ-NP-Za-km-z]{20,100}$/.test(peerId)) {
				throw new VdfsError('InvalidInput', 'That is not a peer id.');
			}
			if (this.#device.peerId === peerId) return;
			registry.setSetting(this.#node, 'peer_id', peerId);
			this.#device = { ...this.#device, peerId };
			this.#libraries.refreshDevice();
			this.#emit({ topic: 'device', library: this.#libraries.current?.id });
		});
	}

	peerSettings(): Promise<PeerSettings> {
		return this.#call(() => readPeerSettings(registry.getSetting(this.#node, 'peers')));
	}

	setPeerSettings(settings: PeerSettings): Promise<void> {
		return this.#call(() => {
			registry.setSetting(this.#node, 'peers', JSON.stringify(checkPeerSettings(settings)));
			this.#emit({ topic: 'settings' });
		});
	}

	// ---- devices and pairing

	listDevices(): Promise<DeviceSummary[]> {
		return this.#call(() => devices.listDevices(this.#libraries.require()));
	}

	trustedDevice(peerId: string): Promise<DeviceSummary | null> {
		return this.#call(() => {
			const lib = this.#libraries.current;
			return lib && typeof peerId === 'string' ? devices.trustedDevice(lib, peerId) : null;
		});
	}

	deviceSeen(peerId: string, changes: { name?: string; platform?: string; addrs?: string[] }): Promise<void> {
		return this.#call(() => {
			const lib = this.#libraries.current;
			const seen = lib && devices.deviceSeen(lib, peerId, changes ?? {});
			if (seen) this.#emit({ topic: 'device', library: lib.id, ids: [seen.id] });
		});
	}

	removeDevice(id: DeviceId): Promise<DeviceSummary> {
		return this.#call(() => {
			const lib = this.#libraries.require();
			const removed = devices.revokeDevice(lib, id);
			this.#emit({ topic: 'device', library: lib.id, ids: [id] });
			return removed;
		});
	}

	deviceRemovedUs(peerId: string): Promise<void> {
		return this.#call(() => {
			const lib = this.#libraries.current;
			const device = lib && devices.trustedDevice(lib, peerId);
			if (!device) return;
			devices.revokeDevice(lib, device.id);
			this.#emit({ topic: 'device', library: lib.id, ids: [device.id] });
		});
	}

	createPairingInvite(): Promise<PairingInvite> {
		return this.#call(() => {
			const lib = this.#libraries.require();
			const made = invites.createInvite(this.#node, lib.id);
			return {
				...made,
				library: { id: lib.id, name: lib.name },
				device: { id: this.#device.id, name: this.#device.name }
			};
		});
	}

	cancelPairingInvites(invite?: string): Promise<void> {
		return this.#call(() => invites.cancelInvites(this.#node, invite));
	}

	removedDevice(peerId: string): Promise<boolean> {
		return this.#call(() => {
			const lib = this.#libraries.current;
			return !!lib && typeof peerId === 'string' && devices.isRevoked(lib, peerId);
		});
	}

	openPairingInvite(invite: string): Promise<{ secret: string }> {
		return this.#call(() => {
			const { secret, library } = invites.openInvite(this.#node, invite);
			this.#requireInviteLibrary(library);
			return { secret };
		});
	}

	pairingFailed(invite: string): Promise<void> {
		return this.#call(() => invites.inviteFailed(this.#node, invite));
	}

	acceptPairing(invite: string, device: DeviceInfo): Promise<PairingWelcome> {
		return this.#call(() => {
			const { library } = invites.openInvite(this.#node, invite);
			const lib = this.#requireInviteLibrary(library);
			const joiner = devices.checkDeviceInfo(device);
			if (joiner.id === this.#device.id) {
				throw new VdfsError('PairingMalformed', 'That link was opened by the device that made it.');
			}
			// A device id is owned by one key: a joiner cannot take over a paired device's rows.
			if (devices.claimedByOther(lib, joiner)) {
				throw new VdfsError(
					'PairingMalformed',
					'A device with the same id but another key is paired with this library: remove it first, then pair again.'
				);
			}
			// Both databases, one outcome: the device is stored only if the invite is used up.
			this.#node.tx(() => {
				invites.consumeInvite(this.#node, invite);
				lib.sql.tx(() => devices.putPairedDevice(lib, joiner));
			});
			this.#emit({ topic: 'device', library: lib.id, ids: [joiner.id] });
			const all = devices.listDevices(lib);
			const members = all.filter((d) => !d.self && d.id !== joiner.id && d.peerId);
			return {
				device: this.#deviceInfo(),
				library: { id: lib.id, name: lib.name },
				members: members.map((d) => ({ id: d.id, name: d.name, platform: d.platform, peerId: d.peerId! }))
			};
		});
	}

	joinPairedLibrary(welcome: PairingWelcome): Promise<void> {
		return this.#libraryOp(async () => {
			const inviter = devices.checkDeviceInfo(welcome?.device);
			const id = welcome?.library?.id;
			if (!isUuid(id)) throw new VdfsError('PairingMalformed', 'The other device sent a library Orrery cannot read.');
			const members = Array.isArray(welcome.members) ? welcome.members.slice(0, 1000).map(devices.checkDeviceInfo) : [];
			if (!this.#libraries.list().some((l) => l.id === id)) {
				await this.#libraries.create({ name: welcome.library.name || `${inviter.name}’s library`, id });
			}
			if (this.#libraries.current?.id !== id) this.#libraries.switchTo(id);
			const lib = this.#libraries.require();
			lib.sql.tx(() => {
				for (const d of [inviter, ...members]) devices.putPairedDevice(lib, d);
			});
			this.#emit({ topic: 'device', library: lib.id });
		});
	}

	#requireInviteLibrary(library: LibraryId): OpenLibrary {
		const lib = this.#libraries.current;
		if (lib?.id !== library) {
			throw new VdfsError(
				'PairingUnknown',
				'This invite was made for a library that is not open on this device now. Open it, then make a new invite.'
			);
		}
		return lib;
	}

	#deviceInfo(): DeviceInfo {
		const { id, name, platform, peerId } = this.#device;
		if (!peerId) throw new VdfsError('PeerUnreachable', 'This device is not connected to the peer network yet.');
		return { id, name, platform, peerId };
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

	async deleteLibrary(id: LibraryId): Promise<void> {
		await this.#libraryOp(() => this.#libraries.delete(id));
		await removeThumbs(id);
	}

	switchLibrary(id: LibraryId): Promise<void> {
		return this.#libraryOp(() => this.#libraries.switchTo(id));
	}

	libraryStats(): Promise<LibraryStats> {
		return this.#call(() => libraryTotals(this.#libraries.require()));
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
			// Watched from before the first walk, so that walk can be trusted by later rescans.
			await this.#watches?.start(location);
			this.#queueIndex(lib, location.id);
			this.#emit({ topic: 'location', library: lib.id, ids: [location.id] });
			return location;
		});
	}

	rescanLocation(id: LocationId, options: { full?: boolean } = {}): Promise<JobId> {
		return this.#call(async () => {
			const lib = this.#libraries.require();
			const location = this.#requireLocation(id);
			// A rescan after access was granted again: the watch can start now.
			if (location.kind !== 'snapshot') await this.#watches?.start(location);
			return this.#queueIndex(lib, id, options.full ? { full: true } : {});
		});
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
			this.#watches?.stop(id);
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

	locationRules(id: LocationId): Promise<IndexerRules> {
		return this.#call(() => getLocationRules(this.#libraries.require(), id));
	}

	setLocationRules(id: LocationId, rules: IndexerRules): Promise<JobId | null> {
		return this.#call(async () => {
			const lib = this.#libraries.require();
			const location = this.#requireLocation(id);
			const clean = cleanRules(rules);
			if (sameRules(clean, getLocationRules(lib, id))) return null;
			const rescan = await this.#canRescan(location);
			const rowId = locationRowId(lib, id);
			// The runner reads the rules when a job starts, and a job resumed from its checkpoint
			// would not revisit the folders it already walked: the location's job starts over.
			const running = jobs.activeJobFor(lib, 'index', rowId)?.state === 'running';
			if (running) await this.#jobs.hold();
			let restarted: JobId | undefined;
			try {
				saveLocationRules(lib, id, clean);
				restarted = jobs.activeJobFor(lib, 'index', rowId)?.uuid;
				if (restarted) jobs.saveProgress(lib, restarted, jobs.EMPTY_PROGRESS, null);
			} finally {
				if (running) this.#jobs.release();
			}
			this.#emit({ topic: 'location', library: lib.id, ids: [id] });
			if (restarted) this.#emit({ topic: 'job', library: lib.id, ids: [restarted] });
			return rescan ? this.#queueIndex(lib, id) : null;
		});
	}

	listLocations(): Promise<LocationSummary[]> {
		return this.#call(() => listLocations(this.#libraries.require()));
	}

	// ---- jobs

	listJobs(): Promise<JobSummary[]> {
		return this.#call(() => {
			const live = this.#jobs.live();
			return jobs.listJobs(this.#libraries.require()).map((job) => {
				const progress = job.state === 'running' ? live.get(job.id) : undefined;
				return progress ? { ...job, progress } : job;
			});
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

	async browseFolder(location: LocationId, dirPath: string, options: BrowseOptions = {}): Promise<FolderView> {
		const window = browseOptions(options);
		const { value, from, indexing } = await this.#inFolder(
			location,
			dirPath,
			(lib, dirId) => indexedFolder(lib, dirId, window),
			(listed, rules) => diskFolder(dirPath, listed, rules, window)
		);
		return { ...value, from, indexing };
	}

	async locateInFolder(
		location: LocationId,
		dirPath: string,
		prefix: string,
		options: BrowseOptions = {}
	): Promise<number | null> {
		if (prefix === '') return null;
		const order = browseOptions(options);
		const { value } = await this.#inFolder(
			location,
			dirPath,
			(lib, dirId) => locateIndexed(lib, dirId, prefix, order),
			(listed, rules) => locateListed(dirPath, listed, rules, prefix, order)
		);
		return value;
	}

	/**
	 * Answers a question about a folder from the index, or, while the first index has not
	 * reached it, from a listing of the disk (browse first, index after). The index's part runs
	 * in the call queue; a listing from disk runs outside it, so a big folder read from disk does
	 * not hold up other calls.
	 */
	async #inFolder<T>(
		location: LocationId,
		dirPath: string,
		fromIndex: (lib: OpenLibrary, dirId: number) => T,
		fromDisk: (listed: SourceEntry[], rules: IndexerRules) => T
	): Promise<{ value: T; from: 'index' | 'disk'; indexing: boolean }> {
		const plan = await this.#call(() => {
			const lib = this.#libraries.require();
			const summary = this.#requireLocation(location);
			const rowId = locationRowId(lib, location);
			const job = jobs.activeJobFor(lib, 'index', rowId);
			const indexing = job !== undefined && job.state !== 'paused';
			const dirId = folderRowId(lib, rowId, dirPath);
			// During the first index a folder's row can exist before its own children are written.
			const useIndex = dirId !== undefined && !(indexing && summary.lastIndexedAt === null);
			const value = useIndex ? { value: fromIndex(lib, dirId) } : null;
			return { summary, value, indexing, dirId, rules: getLocationRules(lib, location) };
		});
		if (plan.value) return { value: plan.value.value, from: 'index', indexing: plan.indexing };
		try {
			const source = await this.#requireRoots().source(plan.summary);
			const listing = await source.list(dirPath);
			return { value: fromDisk(listing.entries, plan.rules), from: 'disk', indexing: plan.indexing };
		} catch (e) {
			// Disk unreadable (an import whose files this session no longer holds): what the index has.
			if (plan.dirId === undefined) throw toVdfsError(e);
			const dirId = plan.dirId;
			const value = await this.#call(() => fromIndex(this.#libraries.require(), dirId));
			return { value, from: 'index', indexing: plan.indexing };
		}
	}

	openLocation(id: LocationId): Promise<JobId | null> {
		return this.#call(async () => {
			const lib = this.#libraries.require();
			const location = this.#requireLocation(id);
			if (jobs.activeJobFor(lib, 'index', locationRowId(lib, id))) return null;
			if (location.lastIndexedAt === null || Date.now() - location.lastIndexedAt < STALE_AFTER_MS) return null;
			if (!(await this.#canRescan(location))) return null;
			if (location.kind !== 'snapshot' && (await this.#requireRoots().permission(location)) !== 'granted') return null;
			return this.#queueIndex(lib, id);
		});
	}

	createFolder(location: LocationId, dirPath: string, name: string): Promise<string> {
		return this.#write(() => this.#call(() => this.#files.createFolder(location, dirPath, name)));
	}

	// ---- file operations (ops/): quick ones in the call, the rest as jobs

	renameEntry(ref: FileRef, name: string): Promise<{ to: FileRef; job: JobId | null }> {
		return this.#write(() => this.#call(() => this.#files.rename(ref, name)));
	}

	copyEntries(input: TransferInput): Promise<JobId> {
		return this.#call(() => this.#files.copy(input));
	}

	moveEntries(input: TransferInput): Promise<JobId> {
		return this.#call(() => this.#files.move(input));
	}

	duplicateEntries(items: FileRef[]): Promise<JobId> {
		return this.#call(() => this.#files.duplicate(items));
	}

	trashEntries(items: FileRef[]): Promise<JobId> {
		return this.#call(() => this.#files.trash(items));
	}

	deleteEntries(items: FileRef[]): Promise<JobId> {
		return this.#call(() => this.#files.delete(items));
	}

	listTrash(location?: LocationId): Promise<TrashItem[]> {
		return this.#call(() => this.#files.listTrash(location));
	}

	restoreTrash(ids: TrashId[]): Promise<JobId> {
		return this.#call(() => this.#files.restore(ids));
	}

	emptyTrash(location?: LocationId): Promise<JobId | null> {
		return this.#call(() => this.#files.emptyTrash(location));
	}

	answerJob(id: JobId, answer: JobAnswer): Promise<void> {
		return this.#call(() => this.#files.answer(id, answer));
	}

	lastUndo(): Promise<UndoInfo | null> {
		return this.#call(() => (this.#libraries.current ? this.#files.lastUndo() : null));
	}

	undo(): Promise<{ label: string; job: JobId | null }> {
		return this.#write(() => this.#call(() => this.#files.undo()));
	}

	/** How file operations reach files: reading through sources, writing through handles. */
	#fileAccess(): FileAccess {
		return {
			kind: (id) => this.#requireLocation(id).kind,
			source: (id) => this.#requireRoots().source(this.#requireLocation(id)),
			writable: async (id) => {
				const location = this.#requireLocation(id);
				if (location.kind === 'snapshot') {
					throw new VdfsError('NotWritable', `“${location.name}” is a one-off import, which is read-only.`);
				}
				const roots = this.#requireRoots();
				const root = await roots.handle(location);
				if (!root) throw new VdfsError('NotFound', `The folder of “${location.name}” cannot be reached.`);
				if ((await roots.permission(location, 'readwrite')) !== 'granted') {
					throw new VdfsError('PermissionLost', `Orrery needs your permission to change files in “${location.name}”.`, {
						location: location.id,
						access: 'readwrite'
					});
				}
				return root;
			},
			busy: (locations, on) => {
				for (const id of locations) {
					if (on) this.#watches?.hold(id);
					else this.#watches?.release(id);
				}
			},
			settled: (lib, touched, rescan) => {
				for (const id of new Set([...touched, ...rescan])) {
					if (!getLocation(lib, id)) continue;
					const rowId = locationRowId(lib, id);
					if (rescan.has(id)) this.#queueIndex(lib, id);
					else {
						updateTotals(lib, rowId);
						this.#queueIdentify(lib, rowId);
					}
				}
				this.#emit({ topic: 'entry', library: lib.id });
				this.#emit({ topic: 'location', library: lib.id });
			}
		};
	}

	importFiles(location: LocationId, dirPath: string, files: File[]): Promise<ImportResult> {
		return this.#write(() => this.#importFiles(location, dirPath, files));
	}

	/**
	 * Writes to storage on this device, one at a time: two imports picking a free name at the
	 * same moment could otherwise both take it (and OPFS move() replaces).
	 */
	#write<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.#writes.then(fn);
		this.#writes = run.catch(() => {});
		return run;
	}

	#writes: Promise<unknown> = Promise.resolve();

	async #importFiles(location: LocationId, dirPath: string, files: File[]): Promise<ImportResult> {
		const root = await this.#writableRoot(location);
		const dir = await dirAt(root, dirPath);
		const result: ImportResult = { imported: [], problems: [] };
		// Outside the call queue: a big import does not hold up other calls.
		for (const file of files) {
			try {
				result.imported.push(await importFile(dir, file));
			} catch (e) {
				const err = toVdfsError(e);
				result.problems.push({ path: file.name, code: err.code, message: err.message });
				if (err.code === 'QuotaExceeded') {
					// Nothing more fits: say so once for the rest.
					for (const rest of files.slice(files.indexOf(file) + 1)) {
						result.problems.push({ path: rest.name, code: 'QuotaExceeded', message: 'Not imported: no room left.' });
					}
					break;
				}
			}
		}
		if (result.imported.length > 0) await this.#wrote(location, dirPath);
		return result;
	}

	searchNames(query: string, options?: SearchOptions): Promise<EntryRow[]> {
		return this.#call(() => searchNames(this.#libraries.require(), query, options));
	}

	// ---- organize and find (shared rows change through ops: sync/ops.ts)

	/** The newest search asked for on each channel (see SearchPageOptions.channel). */
	#searches = new Map<string, number>();

	search(query: SearchQuery, options: SearchPageOptions = {}): Promise<SearchResult> {
		const channel = options.channel;
		const mine = channel === undefined ? 0 : (this.#searches.get(channel) ?? 0) + 1;
		if (channel !== undefined) this.#searches.set(channel, mine);
		return this.#call(() => {
			if (channel !== undefined && this.#searches.get(channel) !== mine) {
				throw new VdfsError('Cancelled', 'A newer search replaced this one.');
			}
			return search(this.#libraries.require(), query, options);
		});
	}

	savedSearches(): Promise<SavedSearch[]> {
		return this.#call(() => savedSearches(this.#libraries.require()));
	}

	saveSearch(input: { name: string; query: SearchQuery; id?: SavedSearchId }): Promise<SavedSearch> {
		return this.#shared('saved-search', (lib, device) => saveSearch(lib, device, input));
	}

	deleteSavedSearch(id: SavedSearchId): Promise<void> {
		return this.#shared('saved-search', (lib, device) => deleteSavedSearch(lib, device, id));
	}

	listTags(): Promise<Tag[]> {
		return this.#call(() => listTags(this.#libraries.require()));
	}

	createTag(input: TagInput): Promise<Tag> {
		return this.#shared('tag', (lib, device) => createTag(lib, device, input));
	}

	updateTag(id: TagId, changes: { name?: string; color?: string; parent?: TagId | null }): Promise<Tag> {
		return this.#shared('tag', (lib, device) => updateTag(lib, device, id, changes));
	}

	deleteTag(id: TagId): Promise<void> {
		return this.#shared('tag', (lib, device) => deleteTag(lib, device, id));
	}

	tagEntries(tag: TagId, entries: EntryId[], options?: { on?: boolean; pinned?: boolean }): Promise<void> {
		return this.#shared('tag', (lib, device) => tagEntries(lib, device, tag, entries, options));
	}

	entryMeta(id: EntryId): Promise<EntryMeta> {
		return this.#call(() => entryMeta(this.#libraries.require(), id));
	}

	setEntryMeta(entries: EntryId[], changes: { favorite?: boolean; note?: string; hidden?: boolean }): Promise<void> {
		return this.#shared('meta', (lib, device) => setEntryMeta(lib, device, entries, changes));
	}

	libraryStatistics(): Promise<LibraryStatistics> {
		return this.#call(() => libraryStatistics(this.#libraries.require()));
	}

	/** A change to shared rows, then the event that tells every view of them. */
	#shared<T>(topic: 'tag' | 'meta' | 'saved-search', fn: (lib: OpenLibrary, device: string) => T): Promise<T> {
		return this.#call(() => {
			const lib = this.#libraries.require();
			const result = fn(lib, this.#device.id);
			this.#emit({ topic, library: lib.id });
			return result;
		});
	}

	// ---- content identity

	duplicates(options?: DuplicateOptions): Promise<DuplicateReport> {
		return this.#call(() => duplicateReport(this.#libraries.require(), options));
	}

	confirmDuplicates(casId: string): Promise<JobId | null> {
		return this.#call(() => {
			const lib = this.#libraries.require();
			const entries = unhashedMembers(lib, casId) as EntryId[];
			if (entries.length === 0) return null;
			return this.#queueChecksum(lib, entries);
		});
	}

	checksumEntry(id: EntryId): Promise<JobId> {
		return this.#call(() => {
			const lib = this.#libraries.require();
			const details = entryDetails(lib, id);
			if (details.entry.isDir) throw new VdfsError('InvalidInput', 'A folder has no checksum; pick a file.');
			return this.#queueChecksum(lib, [id]);
		});
	}

	entryDetails(id: EntryId): Promise<EntryDetails> {
		return this.#call(() => entryDetails(this.#libraries.require(), id));
	}

	async openFile(location: LocationId, path: string): Promise<File> {
		const summary = await this.#call(() => this.#requireLocation(location));
		const source = await this.#requireRoots().source(summary);
		try {
			return await source.file(path);
		} catch (e) {
			throw fsError(e, path);
		} finally {
			source.close?.();
		}
	}

	/** Closes every database (before the worker is terminated or the pool paused). */
	close(): void {
		this.#hasher.close?.();
		this.#watches?.stopAllBut(new Set());
		this.#libraries.close();
		this.#node.close();
	}

	// ---- internals

	/**
	 * Queues an index job for a location unless one is already queued, running or paused; a
	 * waiting one takes on the wider of the two asks (a rescan over a live update, full over quick).
	 */
	#queueIndex(
		lib: OpenLibrary,
		id: LocationId,
		params: jobs.IndexParams = {},
		{ resumePaused = true }: { resumePaused?: boolean } = {}
	): JobId {
		const rowId = locationRowId(lib, id);
		const existing = jobs.activeJobFor(lib, 'index', rowId);
		if (existing) {
			const had = JSON.parse(existing.params || '{}') as jobs.IndexParams;
			const wider: jobs.IndexParams = {
				...(had.full || params.full ? { full: true } : {}),
				...(had.changes && params.changes ? { changes: true } : {})
			};
			const widens = JSON.stringify(wider) !== JSON.stringify(had);
			if (existing.state === 'running') {
				// A rescan asked for while a narrower job runs (a live update, a quick rescan)
				// follows it rather than being lost in it.
				if (!widens || jobs.queuedJobFor(lib, 'index', rowId)) return existing.uuid;
			} else {
				if (widens) {
					jobs.setParams(lib, existing.uuid, wider);
					// Its checkpoint belongs to the narrower walk: start over.
					jobs.saveProgress(lib, existing.uuid, jobs.EMPTY_PROGRESS, null);
				}
				// A live update does not undo a pause; the user's rescan does.
				if (existing.state === 'paused' && resumePaused) this.#jobs.resume(existing.uuid);
				return existing.uuid;
			}
		}
		const job = jobs.createJob(lib, 'index', rowId, params);
		this.#emit({ topic: 'job', library: lib.id, ids: [job] });
		this.#jobs.kick();
		return job;
	}

	/**
	 * Queues content ids for a location's files that have none. A running identify job may
	 * already have passed the new rows, so one more follows it; a queued or paused one will
	 * see them.
	 */
	#queueIdentify(lib: OpenLibrary, locationRowId: number): void {
		const missing = lib.sql.value<number>(
			`SELECT 1 FROM entry INDEXED BY entry_unidentified
			WHERE location_id = ? AND cas_id IS NULL AND is_dir = 0 AND size > 0 LIMIT 1`,
			[locationRowId]
		);
		if (!missing) return;
		const active = jobs.activeJobFor(lib, 'identify', locationRowId);
		if (active && (active.state !== 'running' || jobs.queuedJobFor(lib, 'identify', locationRowId))) return;
		const job = jobs.createJob(lib, 'identify', locationRowId);
		this.#emit({ topic: 'job', library: lib.id, ids: [job] });
		this.#jobs.kick();
	}

	/**
	 * Libraries indexed before content ids existed (or opened anew): locations that never had
	 * an identify job get one. Later ones follow each index job.
	 */
	#identifyUpgraded(): void {
		const lib = this.#libraries.current;
		if (!lib) return;
		const never = lib.sql.all<{ id: number }>(
			`SELECT l.id FROM location l WHERE l.last_indexed_at IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM job j WHERE j.location_id = l.id AND j.kind IN ('index', 'identify'))`
		);
		for (const { id } of never) this.#queueIdentify(lib, id);
		// Content identified before media facts existed. Not for imports: after a reload their
		// files are gone until imported again (which queues its own jobs).
		for (const id of locationsWithMediaToRead(lib)) this.#queueMedia(lib, id);
	}

	/** Queues media facts and thumbnails for a location's content that has none yet. */
	#queueMedia(lib: OpenLibrary, locationRowId: number): void {
		if (!hasMediaToRead(lib, locationRowId)) return;
		const active = jobs.activeJobFor(lib, 'media', locationRowId);
		if (active && (active.state !== 'running' || jobs.queuedJobFor(lib, 'media', locationRowId))) return;
		const job = jobs.createJob(lib, 'media', locationRowId);
		this.#emit({ topic: 'job', library: lib.id, ids: [job] });
		this.#jobs.kick();
	}

	/** A checksum job for these files, unless one for exactly them is waiting or running. */
	#queueChecksum(lib: OpenLibrary, entries: EntryId[]): JobId {
		const params: ChecksumParams = { entries };
		const same = lib.sql.value<string>(
			`SELECT uuid FROM job WHERE kind = 'checksum' AND state IN ('queued', 'running', 'paused') AND params = ?`,
			[JSON.stringify(params)]
		) as JobId | undefined;
		if (same) return same;
		const job = jobs.createJob(lib, 'checksum', null, params);
		this.#emit({ topic: 'job', library: lib.id, ids: [job] });
		this.#jobs.kick();
		return job;
	}

	/**
	 * rescanLocation queues every kind, but an imported copy can be read only while the page that
	 * imported it holds its files; without them the job could only fail, so none is queued.
	 */
	async #canRescan(location: LocationSummary): Promise<boolean> {
		if (location.kind !== 'snapshot') return true;
		try {
			await this.#requireRoots().source(location);
			return true;
		} catch (e) {
			if (toVdfsError(e).code === 'NotReadable') return false;
			throw e;
		}
	}

	/** The folder of a location Orrery may write to: its own storage on this device. */
	async #writableRoot(id: LocationId): Promise<FileSystemDirectoryHandle> {
		const location = await this.#call(() => this.#requireLocation(id));
		if (location.kind !== 'opfs') {
			throw new VdfsError(
				'InvalidInput',
				location.kind === 'snapshot'
					? `“${location.name}” is an imported copy, which is read-only.`
					: `“${location.name}” is a folder on your disk; Orrery adds folders and files only to its own storage on this device.`
			);
		}
		const root = await this.#requireRoots().handle(location);
		if (!root) throw new VdfsError('NotFound', `The storage of “${location.name}” cannot be reached.`);
		return root;
	}

	/** Orrery wrote into a folder: index it now rather than wait for the watch (or a rescan). */
	#wrote(id: LocationId, dirPath: string): Promise<void> {
		return this.#call(() => {
			const lib = this.#libraries.require();
			if (this.#watches?.markDirty(id, dirPath)) return;
			this.#queueIndex(lib, id);
		});
	}

	/** A watch saw changes settle: a live update (or, when records were lost, a rescan). */
	#liveUpdate(id: LocationId, full: boolean): Promise<void> {
		return this.#call(() => {
			const lib = this.#libraries.current;
			if (!lib || !getLocation(lib, id)) return;
			this.#queueIndex(lib, id, full ? {} : { changes: true }, { resumePaused: false });
		});
	}

	/** Watches the open library's folders, and only those. */
	async #syncWatches(): Promise<void> {
		if (!this.#watches) return;
		const lib = this.#libraries.current;
		const locations = lib ? listLocations(lib).filter((l) => l.kind !== 'snapshot') : [];
		this.#watches.stopAllBut(new Set(locations.map((l) => l.id)));
		for (const location of locations) await this.#watches.start(location);
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
				const result = await fn();
				this.#identifyUpgraded();
				return result;
			} finally {
				this.#jobs.release();
				void this.#syncWatches().catch(() => {});
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
