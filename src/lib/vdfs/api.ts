/**
 * The one surface the UI sees. The core worker implements it (core.ts); other tabs reach the
 * leader's core through the RPC bridge with these same types. Every argument and result is
 * structured-clonable.
 */
import type { SerializedError } from './errors';

export { VdfsError, toVdfsError } from './errors';
export type { SerializedError, VdfsErrorCode } from './errors';
import type { DeviceId, EntryId, JobId, LibraryId, LocationId, SavedSearchId, TagId, TrashId } from './ids';
import type { IndexerRules } from './indexer/rules';

export type { ChangeEvent, ChangeTopic } from './events';
export type { DeviceId, EntryId, JobId, LibraryId, LocationId, SavedSearchId, TagId, TrashId } from './ids';
export type { IndexerRules } from './indexer/rules';
export { readThumb } from './media/thumbs';
export type { MediaMeta } from './media/image-facts';
import type { MediaMeta } from './media/image-facts';

export interface LibrarySummary {
	id: LibraryId;
	name: string;
	createdAt: number;
	/** `broken`: the file could not be opened; `error` says why and the UI offers a way out. */
	state: 'ok' | 'broken';
	error?: SerializedError;
	current: boolean;
}

export interface LibraryStats {
	locations: number;
	entries: number;
	bytes: number;
}

export interface NodeSettings {
	deviceId: DeviceId;
	deviceName: string;
	currentLibrary: LibraryId | null;
}

export type LocationKind = 'fsa' | 'opfs' | 'snapshot';

export interface AddLocationInput {
	name: string;
	kind: LocationKind;
	id?: LocationId;
	handle?: FileSystemDirectoryHandle;
	/** A snapshot's files with their paths inside the imported folder. */
	files?: { path: string; file: File }[];
}

export interface LocationSummary {
	id: LocationId;
	name: string;
	kind: LocationKind;
	deviceId: DeviceId;
	createdAt: number;
	totalFiles: number;
	totalDirs: number;
	totalBytes: number;
	lastIndexedAt: number | null;
}

/** An entry as the indexer hands it over: identified by its path inside the location. */
export interface EntryInput {
	/** Relative path with '/' separators, e.g. `photos/2024/a.jpg`. The parent must exist. */
	path: string;
	isDir: boolean;
	size: number;
	/** Milliseconds since the epoch. */
	mtime: number;
	hidden?: boolean;
}

export interface EntryRow {
	id: EntryId;
	name: string;
	extension: string;
	isDir: boolean;
	size: number;
	mtime: number | null;
	casId: string | null;
	hidden: boolean;
	/** Path of the entry's folder inside its location ('' for the root). */
	dirPath: string;
	locationId: LocationId;
}

/** A child of a folder as browsing shows it: from the index, or listed from disk (no id yet). */
export interface BrowseEntry {
	id: EntryId | null;
	name: string;
	extension: string;
	isDir: boolean;
	size: number;
	mtime: number | null;
	hidden: boolean;
	casId: string | null;
	/** From the content, or (not identified yet) what the name suggests; `folder` for folders. */
	kind: ContentKind;
	/** Pixels, for images and videos whose metadata was read. */
	width: number | null;
	height: number | null;
	/** Seconds, for video and audio. */
	duration: number | null;
	/** When a photo or video was taken (ms since the epoch), from its metadata. */
	takenAt: number | null;
	/** A thumbnail is stored for its content. */
	thumb: boolean;
}

/** Orders a folder can be browsed in; folders always come first. */
export type BrowseSort = 'name' | 'kind' | 'size' | 'mtime' | 'taken';

export interface BrowseOptions {
	/** First child to return, in the chosen order. @default 0 */
	offset?: number;
	/** Children to return, at most 100,000. @default 5000 */
	limit?: number;
	/** @default 'name' */
	sort?: BrowseSort;
	/** @default false */
	descending?: boolean;
	/** `media`: only images and videos (the media view). @default 'all' */
	only?: 'all' | 'media';
}

export interface FolderView {
	/** The window asked for: children `offset` to `offset + entries.length - 1`. */
	entries: BrowseEntry[];
	offset: number;
	/** Children in all (that the `only` filter keeps). */
	total: number;
	/**
	 * `index`: from the library; `disk`: listed from the file system just now, because the first
	 * index has not got this far (browse first, index after). Nothing from disk is stored.
	 */
	from: 'index' | 'disk';
	/** An index job of this location is queued or running. */
	indexing: boolean;
}

export interface ImportResult {
	/** The names the files got, in order. */
	imported: string[];
	problems: JobProblem[];
}

export interface ListOptions {
	/** @default 'name' */
	sort?: 'name' | 'size' | 'mtime';
	/** @default false */
	descending?: boolean;
	/** @default 1000 */
	limit?: number;
	/** @default 0 */
	offset?: number;
}

export interface SearchOptions {
	/** @default 100 */
	limit?: number;
}

/**
 * A search: every field given narrows it (they combine with AND). Text words match anywhere in
 * a name, in any order (case aside); with only one- and two-letter words, the first matches the
 * start of a name. A word with a `/` matches the path inside the location instead.
 */
export interface SearchQuery {
	/** @default '' */
	text?: string;
	/** `folder` for folders; a file not identified yet counts as the kind its name suggests. */
	kinds?: ContentKind[];
	/** Without the dot, any case. */
	extensions?: string[];
	/** Bytes, inclusive (files only). */
	minSize?: number;
	maxSize?: number;
	/** Milliseconds since the epoch: from inclusive, to exclusive. */
	modifiedFrom?: number;
	modifiedTo?: number;
	takenFrom?: number;
	takenTo?: number;
	/** A tag matches what it is on and what its nested tags are on. */
	tags?: { any?: TagId[]; all?: TagId[]; none?: TagId[] };
	locations?: LocationId[];
	devices?: DeviceId[];
	favorites?: boolean;
	/** Files whose content another file shares. */
	duplicates?: boolean;
	/** Files with no content id yet. */
	unidentified?: boolean;
	/** Also dot-files and what is marked hidden. @default false */
	hidden?: boolean;
}

/** `relevance`: exact names, then names starting with the text, then the rest; recent first within each. */
export type SearchSort = 'relevance' | 'name' | 'size' | 'mtime';

export interface SearchPageOptions {
	/** @default 0 */
	offset?: number;
	/** At most 1,000. @default 200 */
	limit?: number;
	/** @default 'relevance' */
	sort?: SearchSort;
	/** @default false (for relevance: best first; for dates: newest first when true) */
	descending?: boolean;
	/**
	 * Searches on one channel (a search box) replace each other: a call still waiting when a newer
	 * one on its channel comes is answered with a Cancelled error instead of running.
	 */
	channel?: string;
}

/** A file or folder a search found, wherever it is. */
export interface SearchHit extends BrowseEntry {
	id: EntryId;
	locationId: LocationId;
	locationName: string;
	/** Path of its folder inside the location ('' for the top). */
	dirPath: string;
	deviceName: string;
	/** On this device. */
	here: boolean;
}

export interface SearchResult {
	hits: SearchHit[];
	offset: number;
	/** How many match: exact when `totalExact`, else at least this many (a very common word). */
	total: number;
	totalExact: boolean;
}

export interface Tag {
	id: TagId;
	name: string;
	/** A CSS colour, `#rrggbb`. */
	color: string;
	parent: TagId | null;
	/** Files and folders it is on directly (every copy of a tagged content counts). */
	count: number;
}

export interface TagInput {
	name: string;
	color?: string;
	parent?: TagId | null;
	/** May be given by the caller, so that a retried call creates one tag. */
	id?: TagId;
}

/** What a person added to a file or folder: its tags, favorite, note, hidden. */
export interface EntryMeta {
	tags: { id: TagId; name: string; color: string; pinned: boolean }[];
	favorite: boolean;
	note: string;
	hidden: boolean;
}

export interface SavedSearch {
	id: SavedSearchId;
	name: string;
	query: SearchQuery;
}

export interface KindTotal {
	/** A content kind, `folder`, `pending` (no content id yet) or `empty`. */
	kind: string;
	files: number;
	bytes: number;
}

export interface LibraryStatistics {
	files: number;
	folders: number;
	bytes: number;
	/** Files by kind, most bytes first (folders not included). */
	kinds: KindTotal[];
	locations: { id: LocationId; name: string; deviceName: string; files: number; bytes: number }[];
	devices: { id: DeviceId; name: string; files: number; bytes: number }[];
	/** Bytes that keeping one copy of each shared content would free (by content id). */
	reclaimableBytes: number;
	duplicateFiles: number;
	largest: SearchHit[];
}

/** What a file is (DESIGN.md §4 content.kind); `folder` for directories. */
export type ContentKind =
	'image' | 'video' | 'audio' | 'document' | 'text' | 'code' | 'archive' | 'font' | 'executable' | 'folder' | 'unknown';

/** One file of a duplicate group. */
export interface DuplicateMember {
	entryId: EntryId;
	locationId: LocationId;
	locationName: string;
	/** Path inside its location. */
	path: string;
	mtime: number | null;
	/** Its full BLAKE3, once confirmed. */
	fullHash: string | null;
}

/** Files sharing a content id (and, once confirmed, a full hash). */
export interface DuplicateGroup {
	casId: string;
	/** Set when every member's full hash was taken and they agree. */
	confirmed: boolean;
	fullHash: string | null;
	kind: ContentKind;
	mime: string | null;
	size: number;
	count: number;
	/** Bytes that deleting all copies but one would free: size × (count − 1). */
	wasted: number;
	/** The first `members` of them (see DuplicateOptions). */
	members: DuplicateMember[];
}

export interface DuplicateOptions {
	/** Groups returned, most wasted bytes first. @default 200 */
	limit?: number;
	/** Members listed per group. @default 50 */
	members?: number;
}

export interface DuplicateReport {
	groups: DuplicateGroup[];
	/** Groups in all (groups holds at most `limit`). */
	groupCount: number;
	/** Bytes all groups waste. */
	reclaimableBytes: number;
	/** Content ids that full hashes showed to be shared by different files (sampled-id collisions). */
	split: number;
	/** Files still without a content id (being identified, or unreadable). */
	unidentified: number;
}

/** One file or folder with what the library knows of its content. */
export interface EntryDetails {
	entry: EntryRow;
	locationName: string;
	/** Path inside its location. */
	path: string;
	kind: ContentKind;
	mime: string | null;
	/** This file's full BLAKE3, when taken (and the file unchanged since). */
	fullHash: string | null;
	/** Entries in the library with the same content id, this one included. */
	copies: number;
	/** The other copies (at most OTHER_COPIES of them), on this device and the others. */
	otherCopies: CopyRef[];
	/** Media facts, once read (see the media job). */
	media: EntryMedia | null;
}

/** Other copies listed in EntryDetails; `copies` counts them all. */
export const OTHER_COPIES = 20;

/** Another file with the same content, wherever it is. */
export interface CopyRef {
	entryId: EntryId;
	locationId: LocationId;
	locationName: string;
	/** Path inside its location. */
	path: string;
	deviceName: string;
	/** On this device (else another device's, known through sync). */
	here: boolean;
}

/** What a photo's or video's content says of itself: its media facts and metadata. */
export interface EntryMedia extends MediaMeta {
	width: number | null;
	height: number | null;
	/** Seconds. */
	duration: number | null;
	/** When taken: the camera's wall-clock time, as UTC ms (show it in UTC). */
	takenAt: number | null;
	/** A thumbnail is stored for it. */
	thumb: boolean;
}

/**
 * index: walk a location; identify: content ids of its new files; media: thumbnails and media
 * facts of its identified images; checksum: full hashes on demand. The rest are file
 * operations (ops/): copy, move, trash (move to Orrery's trash), delete (for good), restore
 * (from the trash) and empty-trash.
 */
export type JobKind = 'index' | 'identify' | 'checksum' | 'media' | FileOpKind;
export type FileOpKind = 'copy' | 'move' | 'trash' | 'delete' | 'restore' | 'empty-trash';
export type JobState = 'queued' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed';

/** Typed progress of a job (STYLE.md): what phase, how far, how fast. */
export interface JobProgress {
	phase: string;
	/** Units done and known so far (folders while walking; the total grows as folders are found). */
	done: number;
	total: number;
	files: number;
	bytes: number;
	/** Index rows inserted, changed or removed (0 for a rescan of an unchanged tree). */
	written: number;
	currentPath: string;
	/** Files per second over the run so far. */
	rate: number;
	/** Seconds left, when it can be estimated. */
	eta: number | null;
	/** File operations: the files and bytes in all, known once the sources are walked. */
	filesTotal?: number;
	bytesTotal?: number;
	/** A paused file operation waits for this answer (see CoreApi.answerJob). */
	question?: JobQuestion;
}

/** A file or folder of a location, by its path inside it ('' is the location's root). */
export interface FileRef {
	location: LocationId;
	path: string;
}

/**
 * What a file operation asks when it cannot go on alone: a name already taken at the target,
 * or a file that failed (vanished, unreadable, no room, a name the target refuses).
 */
export type JobQuestion =
	| {
			kind: 'conflict';
			/** Which question of the job this is (its step): an answer names it. */
			at: number;
			/** What is being copied or moved, and what is in the way at the target. */
			source: FileRef & { isDir: boolean; size: number; mtime: number };
			target: FileRef & { isDir: boolean; size: number; mtime: number };
	  }
	| { kind: 'error'; at: number; source: FileRef; error: SerializedError };

/**
 * replace: the target is replaced (folders: merged, each file inside asked again); keep-both:
 * the newcomer gets a numbered name; skip: left alone. For errors: skip the file, retry it, or
 * stop the job (what it wrote is kept, nothing half-written is left).
 */
export type ConflictChoice = 'replace' | 'keep-both' | 'skip';
export interface JobAnswer {
	choice: ConflictChoice | 'retry' | 'stop';
	/** Use the same choice for every later question of this kind in this job. */
	all?: boolean;
	/** The question answered (JobQuestion.at): an answer to one already answered is refused. */
	at?: number;
}

export interface TransferInput {
	items: FileRef[];
	/** The folder they go into. */
	to: FileRef;
	/** What to do where a name is taken. @default 'ask' */
	onConflict?: ConflictChoice | 'ask';
	/** Copies into their own folder named "name copy" (a copy only). @default false */
	duplicate?: boolean;
}

/** Something in a location's trash (`.orrery-trash` inside the location). */
export interface TrashItem {
	id: TrashId;
	location: LocationId;
	locationName: string;
	/** Where it was, inside the location. */
	path: string;
	name: string;
	isDir: boolean;
	/** Bytes (a folder: of everything in it) and files inside it (1 for a file). */
	size: number;
	files: number;
	trashedAt: number;
}

/** The action Undo would reverse now. */
export interface UndoInfo {
	/** For the button: "Undo rename", "Undo move of 3 items"… */
	label: string;
	kind: 'rename' | 'new-folder' | 'move' | 'trash';
	at: number;
}

export interface JobSummary {
	id: JobId;
	kind: JobKind;
	locationId: LocationId | null;
	locationName: string | null;
	state: JobState;
	progress: JobProgress;
	/** Why the job as a whole failed. */
	error: SerializedError | null;
	/** Files and folders it met trouble with and went past. */
	problemCount: number;
	createdAt: number;
	startedAt: number | null;
	finishedAt: number | null;
}

/** A device as pairing describes it to another device. */
export interface DeviceInfo {
	id: DeviceId;
	name: string;
	platform: string;
	/** Its libp2p peer id (Ed25519), proven by noise on every connection. */
	peerId: string;
}

/** A device of the open library: this one, or one paired with it. */
export interface DeviceSummary {
	id: DeviceId;
	name: string;
	platform: string;
	peerId: string | null;
	/** This device. */
	self: boolean;
	/** Last heard from (ms since the epoch); null for this device or one never reached. */
	lastSeen: number | null;
	pairedAt: number | null;
	/** Where it was last reached (multiaddrs): a hint for dialling, local to this device. */
	addrs: string[];
}

export interface IceServer {
	urls: string[];
	username?: string;
	credential?: string;
}

/**
 * How this device reaches others. Absent fields take the build's defaults (the local relay, no
 * ICE servers): see client/p2p/settings.ts.
 */
export interface PeerSettings {
	/** Relay multiaddrs, e.g. `/dns4/relay.example.com/tcp/443/wss`. */
	relays?: string[];
	/** STUN/TURN servers for WebRTC. */
	iceServers?: IceServer[];
}

export interface PairingInvite {
	invite: string;
	/** 128 random bits, base64url: goes in the link's fragment only. */
	secret: string;
	expiresAt: number;
	library: { id: LibraryId; name: string };
	device: { id: DeviceId; name: string };
}

/** What the inviter answers a proven joiner: who it is, the library, its other members. */
export interface PairingWelcome {
	device: DeviceInfo;
	library: { id: LibraryId; name: string };
	members: DeviceInfo[];
}

export interface JobProblem {
	path: string;
	code: string;
	message: string;
}

export interface CoreApi {
	settings(): Promise<NodeSettings>;
	setDeviceName(name: string): Promise<void>;
	/** The leader tab's libp2p node started with this peer id: recorded for pairing and peers. */
	setPeerId(peerId: string): Promise<void>;
	peerSettings(): Promise<PeerSettings>;
	/** Throws InvalidInput for an address or ICE server that cannot be used. */
	setPeerSettings(settings: PeerSettings): Promise<void>;

	/** This device and the devices paired with the open library. */
	listDevices(): Promise<DeviceSummary[]>;
	/** The paired device with this peer id, or null: library protocols answer only these. */
	trustedDevice(peerId: string): Promise<DeviceSummary | null>;
	/** A paired device was heard from (its name, platform and addresses as it says). */
	deviceSeen(peerId: string, changes: { name?: string; platform?: string; addrs?: string[] }): Promise<void>;
	/** Removes a paired device at once (it keeps no access); its rows stay in the library. */
	removeDevice(id: DeviceId): Promise<DeviceSummary>;
	/** A paired device says it removed this one: it is removed here too. */
	deviceRemovedUs(peerId: string): Promise<void>;
	/** A one-time invite into the open library, valid 10 minutes. */
	createPairingInvite(): Promise<PairingInvite>;
	/** Takes back an invite not used yet (all of them without `invite`). */
	cancelPairingInvites(invite?: string): Promise<void>;
	/** The peer is a device this library removed: it is told so, not just refused. */
	removedDevice(peerId: string): Promise<boolean>;
	/** The secret of an invite that can still be used; PairingUnknown / PairingExpired / PairingUsed. */
	openPairingInvite(invite: string): Promise<{ secret: string }>;
	/** A wrong proof for an invite (burnt after three). */
	pairingFailed(invite: string): Promise<void>;
	/** A joiner proved the secret: uses the invite up and stores the device, in one step. */
	acceptPairing(invite: string, device: DeviceInfo): Promise<PairingWelcome>;
	/** The joiner's side: the inviter's library (created here if new, then opened) and its devices. */
	joinPairedLibrary(welcome: PairingWelcome): Promise<void>;

	listLibraries(): Promise<LibrarySummary[]>;
	/** `id` may be given by the caller so that a retried call cannot create two libraries. */
	createLibrary(input: { name: string; id?: LibraryId }): Promise<LibrarySummary>;
	renameLibrary(id: LibraryId, name: string): Promise<void>;
	deleteLibrary(id: LibraryId): Promise<void>;
	switchLibrary(id: LibraryId): Promise<void>;
	libraryStats(): Promise<LibraryStats>;
	/** A consistent copy of the library file (a backup). */
	exportLibrary(id: LibraryId): Promise<Uint8Array>;
	/**
	 * Adds a library from a backup file under a new id (`id` may be given by the caller, so a
	 * retried call imports once); a damaged or foreign file shows up as a broken library.
	 */
	importLibrary(bytes: Uint8Array, name: string, id?: LibraryId): Promise<LibrarySummary>;
	/** Moves a broken library's file aside (kept for download) and starts it fresh, empty. */
	setAsideLibrary(id: LibraryId): Promise<{ keptAs: string }>;
	listSetAside(): Promise<string[]>;
	readSetAside(name: string): Promise<Uint8Array>;

	/** A location with no files behind it (entries come through putEntries). */
	createLocation(input: { name: string; kind: LocationKind; id?: LocationId }): Promise<LocationSummary>;
	/**
	 * Adds a location and queues its first index: `fsa` with the picked folder's handle, `opfs`
	 * (a new folder in Orrery's own storage), or `snapshot` with the files of a folder import.
	 */
	addLocation(input: AddLocationInput): Promise<LocationSummary>;
	/**
	 * Queues a rescan (or returns the one already queued or running). While a watch has seen
	 * every change since the last walk, a rescan reads sizes and mtimes only where something
	 * changed; `full` reads every file again.
	 */
	rescanLocation(id: LocationId, options?: { full?: boolean }): Promise<JobId>;
	/** Takes the location and its index out of the library; files on disk are not touched. */
	removeLocation(id: LocationId): Promise<void>;
	/** `prompt`: the browser needs a user gesture to grant access again (see locationHandle). */
	locationPermission(id: LocationId): Promise<'granted' | 'prompt' | 'denied'>;
	locationHandle(id: LocationId): Promise<FileSystemDirectoryHandle | null>;
	/** What the indexer leaves out of this location (the defaults until they are changed). */
	locationRules(id: LocationId): Promise<IndexerRules>;
	/**
	 * Saves the location's rules. When they change what is indexed, the location is indexed
	 * again from the top under the new rules; returns that job, or null when nothing needs to
	 * run (the same rules, or an imported copy whose files this session no longer holds: its
	 * new rules apply when the folder is imported again). Throws InvalidInput for bad rules.
	 */
	setLocationRules(id: LocationId, rules: IndexerRules): Promise<JobId | null>;
	listLocations(): Promise<LocationSummary[]>;

	listJobs(): Promise<JobSummary[]>;
	jobProblems(id: JobId): Promise<JobProblem[]>;
	pauseJob(id: JobId): Promise<void>;
	resumeJob(id: JobId): Promise<void>;
	cancelJob(id: JobId): Promise<void>;

	/** Inserts or updates entries in one transaction per call; returns how many were written. */
	putEntries(location: LocationId, entries: EntryInput[]): Promise<number>;
	listChildren(location: LocationId, dirPath: string, options?: ListOptions): Promise<EntryRow[]>;
	/**
	 * A folder to browse, at once: from the index, or from disk while the first index has not
	 * reached it (sorted folders first, then by name; at most `limit`, default 5,000).
	 */
	browseFolder(location: LocationId, dirPath: string, options?: BrowseOptions): Promise<FolderView>;
	/**
	 * Type-to-find: the position, in the order `options` give, of the first child whose name
	 * starts with `prefix` (ASCII letters in any case); null if none does.
	 */
	locateInFolder(
		location: LocationId,
		dirPath: string,
		prefix: string,
		options?: BrowseOptions
	): Promise<number | null>;
	/**
	 * The user opened a location: rescans it when it was last indexed over 15 minutes ago and
	 * nothing is queued for it. Returns the job queued, if any.
	 */
	openLocation(id: LocationId): Promise<JobId | null>;
	/** A new, empty folder (undoable). Returns its name. An existing name is `AlreadyExists`. */
	createFolder(location: LocationId, dirPath: string, name: string): Promise<string>;
	/**
	 * Renames a file or folder in place (undoable); its entry keeps its id, tags and notes. A
	 * folder may be renamed by a move job (`job`): Chromium cannot rename folders in one call.
	 */
	renameEntry(ref: FileRef, name: string): Promise<{ to: FileRef; job: JobId | null }>;
	/**
	 * Copies files and folders into a folder, as a job: streamed, each file written under a
	 * working name and renamed when whole, content ids kept. Taken names are asked about
	 * (JobProgress.question) unless `onConflict` says.
	 */
	copyEntries(input: TransferInput): Promise<JobId>;
	/** Moves files and folders into a folder, as a job (undoable); entries keep their ids. */
	moveEntries(input: TransferInput): Promise<JobId>;
	/** Copies each item beside itself as "name copy". */
	duplicateEntries(items: FileRef[]): Promise<JobId>;
	/** Moves items into their location's trash, as a job (undoable, restorable). */
	trashEntries(items: FileRef[]): Promise<JobId>;
	/** Deletes items for good, as a job. The UI confirms first. */
	deleteEntries(items: FileRef[]): Promise<JobId>;
	/** What is in the trash of a location, or of every location. */
	listTrash(location?: LocationId): Promise<TrashItem[]>;
	/** Puts trash items back where they were (beside, under a numbered name, where taken). */
	restoreTrash(ids: TrashId[]): Promise<JobId>;
	/** Deletes everything in the trash (of one location, or all) for good, as a job; null when empty. */
	emptyTrash(location?: LocationId): Promise<JobId | null>;
	/** Answers the question of a waiting file operation and lets it go on (`stop` cancels it). */
	answerJob(id: JobId, answer: JobAnswer): Promise<void>;
	/** What Undo would reverse now, if anything. */
	lastUndo(): Promise<UndoInfo | null>;
	/** Reverses the newest rename, new folder, move or move to trash; a move back runs as a job. */
	undo(): Promise<{ label: string; job: JobId | null }>;
	/**
	 * Copies files into Orrery's own storage on this device, streamed, each under a free name
	 * (`name (2).ext` when taken; nothing is overwritten). A file that fails is reported and the
	 * rest go on.
	 */
	importFiles(location: LocationId, dirPath: string, files: File[]): Promise<ImportResult>;
	/** Names containing the text (see SearchQuery.text), hidden files included: the plain primitive. */
	searchNames(query: string, options?: SearchOptions): Promise<EntryRow[]>;
	/** Files and folders across the library that match, best first (see SearchQuery, SearchSort). */
	search(query: SearchQuery, options?: SearchPageOptions): Promise<SearchResult>;
	savedSearches(): Promise<SavedSearch[]>;
	/** Saves a search under a name (a new one, or `id`'s, replaced). */
	saveSearch(input: { name: string; query: SearchQuery; id?: SavedSearchId }): Promise<SavedSearch>;
	deleteSavedSearch(id: SavedSearchId): Promise<void>;

	/** Every tag, parents before their children, each level by name. */
	listTags(): Promise<Tag[]>;
	createTag(input: TagInput): Promise<Tag>;
	/** Renames, recolours or moves a tag (under another, or to the top with `parent: null`). */
	updateTag(id: TagId, changes: { name?: string; color?: string; parent?: TagId | null }): Promise<Tag>;
	/** Deletes a tag: its nested tags move up to its parent; what it was on loses it. */
	deleteTag(id: TagId): Promise<void>;
	/**
	 * Puts a tag on files and folders (`on: false` takes it off). On a file with a content id the
	 * tag goes on the content, so every copy has it; `pinned` puts it on this path only.
	 */
	tagEntries(tag: TagId, entries: EntryId[], options?: { on?: boolean; pinned?: boolean }): Promise<void>;
	entryMeta(id: EntryId): Promise<EntryMeta>;
	/** Favorite, note and hidden of files and folders (on their content, like tags). */
	setEntryMeta(entries: EntryId[], changes: { favorite?: boolean; note?: string; hidden?: boolean }): Promise<void>;
	libraryStatistics(): Promise<LibraryStatistics>;

	/** Groups of files with the same content across every location, most wasted bytes first. */
	duplicates(options?: DuplicateOptions): Promise<DuplicateReport>;
	/**
	 * Queues full hashes of a group's files that have none yet, so that files whose sampled ids
	 * match but whose bytes differ are told apart. Null when every member is hashed already.
	 */
	confirmDuplicates(casId: string): Promise<JobId | null>;
	/** Queues the full BLAKE3 of one file (kept until the file changes). */
	checksumEntry(id: EntryId): Promise<JobId>;
	entryDetails(id: EntryId): Promise<EntryDetails>;
	/**
	 * A file of a location, to preview or open: a File is a handle on the bytes, read as they
	 * are needed (a video streams; nothing is loaded whole). NotFound if it is gone.
	 */
	openFile(location: LocationId, path: string): Promise<File>;
}

/**
 * Every method of CoreApi, checked against the interface by the compiler: the RPC bridge and the
 * worker expose exactly these, and nothing else can be called from another tab.
 */
export const CORE_METHODS = Object.keys({
	settings: 1,
	setDeviceName: 1,
	setPeerId: 1,
	peerSettings: 1,
	setPeerSettings: 1,
	listDevices: 1,
	trustedDevice: 1,
	deviceSeen: 1,
	removeDevice: 1,
	deviceRemovedUs: 1,
	createPairingInvite: 1,
	cancelPairingInvites: 1,
	removedDevice: 1,
	openPairingInvite: 1,
	pairingFailed: 1,
	acceptPairing: 1,
	joinPairedLibrary: 1,
	listLibraries: 1,
	createLibrary: 1,
	renameLibrary: 1,
	deleteLibrary: 1,
	switchLibrary: 1,
	libraryStats: 1,
	exportLibrary: 1,
	importLibrary: 1,
	setAsideLibrary: 1,
	listSetAside: 1,
	readSetAside: 1,
	createLocation: 1,
	addLocation: 1,
	rescanLocation: 1,
	removeLocation: 1,
	locationPermission: 1,
	locationHandle: 1,
	locationRules: 1,
	setLocationRules: 1,
	listLocations: 1,
	listJobs: 1,
	jobProblems: 1,
	pauseJob: 1,
	resumeJob: 1,
	cancelJob: 1,
	putEntries: 1,
	listChildren: 1,
	browseFolder: 1,
	locateInFolder: 1,
	openLocation: 1,
	createFolder: 1,
	renameEntry: 1,
	copyEntries: 1,
	moveEntries: 1,
	duplicateEntries: 1,
	trashEntries: 1,
	deleteEntries: 1,
	listTrash: 1,
	restoreTrash: 1,
	emptyTrash: 1,
	answerJob: 1,
	lastUndo: 1,
	undo: 1,
	importFiles: 1,
	searchNames: 1,
	search: 1,
	savedSearches: 1,
	saveSearch: 1,
	deleteSavedSearch: 1,
	listTags: 1,
	createTag: 1,
	updateTag: 1,
	deleteTag: 1,
	tagEntries: 1,
	entryMeta: 1,
	setEntryMeta: 1,
	libraryStatistics: 1,
	duplicates: 1,
	confirmDuplicates: 1,
	checksumEntry: 1,
	entryDetails: 1,
	openFile: 1
} satisfies Record<keyof CoreApi, 1>) as (keyof CoreApi)[];
