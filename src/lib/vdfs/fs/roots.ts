import type { LocationKind } from '../api';
import type { LocationId } from '../ids';
import type { SnapshotFile } from './snapshot-source';
import type { FileSource } from './source';

export type RootPermission = 'granted' | 'prompt' | 'denied';

/** What a new location is given to reach its files. */
export interface RootInput {
	/** `fsa`: the picked folder. */
	handle?: FileSystemDirectoryHandle;
	/** `snapshot`: the files of a one-off folder import. */
	files?: SnapshotFile[];
}

/**
 * Keeps what reaches each location's files (a folder handle, Orrery's own OPFS folder, a
 * snapshot's file list) and opens a FileSource on it. Where handles live is not the core's
 * business: the worker keeps them in IndexedDB, keyed by location id (never in SQLite).
 */
export interface LocationRoots {
	attach(location: { id: LocationId; kind: LocationKind }, input: RootInput): Promise<void>;
	/** `walk`: the source is for a whole walk (it may start a walker worker; close it after). */
	source(location: { id: LocationId; kind: LocationKind }, options?: { walk?: boolean }): Promise<FileSource>;
	/**
	 * Watches a location for changes made outside Orrery (FileSystemObserver where the browser
	 * has it). Resolves to a stop function, or null where the location cannot be watched.
	 */
	watch?(
		location: { id: LocationId; kind: LocationKind },
		onChange: (change: WatchChange) => void
	): Promise<(() => void) | null>;
	/** Whether the folder may be read (or, with 'readwrite', changed) without asking the user. @default 'read' */
	permission(location: { id: LocationId; kind: LocationKind }, mode?: 'read' | 'readwrite'): Promise<RootPermission>;
	/** The folder handle, for the page to ask for permission again on a user gesture. */
	handle(location: { id: LocationId; kind: LocationKind }): Promise<FileSystemDirectoryHandle | null>;
	detach(location: { id: LocationId; kind: LocationKind }): Promise<void>;
}

/**
 * What a watch reports: the folders whose children changed (paths relative to the location),
 * or that changes may have been missed (`unknown`: the platform dropped records) or the watch
 * ended (`errored`: the folder went away or permission was revoked).
 */
export type WatchChange = { dirs: string[] } | { lost: 'unknown' | 'errored' };
