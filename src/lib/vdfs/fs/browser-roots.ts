import { del, get, set } from 'idb-keyval';
import type { LocationKind } from '../api';
import { VdfsError } from '../errors';
import type { LocationId } from '../ids';
import { FsaSource } from './fsa-source';
import type { LocationRoots, RootInput, RootPermission, WatchChange } from './roots';
import { SnapshotSource, type SnapshotFile } from './snapshot-source';
import type { FileSource } from './source';
import { WalkerSource } from './walker-source';

/** Orrery's "On this device" storage: one folder per location in the origin private file system. */
const OPFS_LOCATIONS = 'orrery-locations';

type Location = { id: LocationId; kind: LocationKind };

/**
 * LocationRoots in the browser (the core worker): picked folders' handles live in IndexedDB
 * keyed by location id (DESIGN.md §4: never in SQLite), `opfs` locations are folders of OPFS,
 * and a snapshot's files are held for this session only.
 */
export class BrowserRoots implements LocationRoots {
	#snapshots = new Map<LocationId, SnapshotFile[]>();

	/** @param spawnWalker starts a walker worker, so walks run beside the database writes. */
	constructor(private readonly spawnWalker?: () => Worker) {}

	async attach(location: Location, input: RootInput): Promise<void> {
		if (location.kind === 'fsa') {
			if (!input.handle) throw new VdfsError('InvalidInput', 'Pick a folder to add.');
			await set(handleKey(location.id), input.handle);
		} else if (location.kind === 'opfs') {
			await opfsFolder(location.id, true);
		} else {
			this.#snapshots.set(location.id, input.files ?? []);
		}
	}

	async source(location: Location, options: { walk?: boolean } = {}): Promise<FileSource> {
		const open = (root: FileSystemDirectoryHandle, kind: LocationKind) =>
			options.walk && this.spawnWalker ? new WalkerSource(root, kind, this.spawnWalker) : new FsaSource(root, kind);
		if (location.kind === 'opfs') return open(await opfsFolder(location.id, true), 'opfs');
		if (location.kind === 'snapshot') {
			const files = this.#snapshots.get(location.id);
			if (!files) {
				throw new VdfsError(
					'NotReadable',
					'A one-off import can be read only while the page that imported it is open. Import the folder again to update it.'
				);
			}
			return new SnapshotSource(files);
		}
		const handle = await this.#handle(location.id);
		const permission = await queryPermission(handle);
		if (permission !== 'granted') {
			throw new VdfsError('PermissionLost', `Orrery needs your permission to read “${handle.name}” again.`);
		}
		return open(handle, 'fsa');
	}

	async watch(location: Location, onChange: (change: WatchChange) => void): Promise<(() => void) | null> {
		const Observer = (globalThis as { FileSystemObserver?: FileSystemObserverConstructor }).FileSystemObserver;
		if (!Observer || location.kind === 'snapshot') return null;
		const root = await this.handle(location);
		if (!root || (await queryPermission(root)) !== 'granted') return null;
		const observer = new Observer((records) => {
			const dirs = new Set<string>();
			for (const record of records) {
				if (record.type === 'unknown' || record.type === 'errored') {
					onChange({ lost: record.type });
					continue;
				}
				dirs.add(parentOf(record.relativePathComponents));
				if (record.relativePathMovedFrom) dirs.add(parentOf(record.relativePathMovedFrom));
			}
			if (dirs.size > 0) onChange({ dirs: [...dirs] });
		});
		try {
			await observer.observe(root, { recursive: true });
		} catch {
			// Too many watches for the platform, or the folder is gone: rescans still work.
			observer.disconnect();
			return null;
		}
		return () => observer.disconnect();
	}

	async permission(location: Location, mode: 'read' | 'readwrite' = 'read'): Promise<RootPermission> {
		if (location.kind !== 'fsa') return 'granted';
		return queryPermission(await this.#handle(location.id), mode);
	}

	async handle(location: Location): Promise<FileSystemDirectoryHandle | null> {
		if (location.kind === 'fsa') return this.#handle(location.id);
		if (location.kind === 'opfs') return opfsFolder(location.id, true);
		return null;
	}

	async detach(location: Location): Promise<void> {
		// The folder's files stay where they are: removing a location only forgets it. (An
		// `opfs` folder is kept too; deleting files is a file operation, never a side effect.)
		if (location.kind === 'fsa') await del(handleKey(location.id));
		this.#snapshots.delete(location.id);
	}

	async #handle(id: LocationId): Promise<FileSystemDirectoryHandle> {
		const handle = await get<FileSystemDirectoryHandle>(handleKey(id));
		if (!handle)
			throw new VdfsError(
				'NotFound',
				'This browser no longer has the folder of this location. Remove it and add the folder again.'
			);
		return handle;
	}
}

function handleKey(id: LocationId): string {
	return `location-handle:${id}`;
}

async function opfsFolder(id: LocationId, create: boolean): Promise<FileSystemDirectoryHandle> {
	const root = await navigator.storage.getDirectory();
	const all = await root.getDirectoryHandle(OPFS_LOCATIONS, { create });
	return all.getDirectoryHandle(id, { create });
}

/** queryPermission is Chromium's; where it is missing, reading is allowed or fails clearly later. */
async function queryPermission(
	handle: FileSystemDirectoryHandle,
	mode: 'read' | 'readwrite' = 'read'
): Promise<RootPermission> {
	const query = (handle as unknown as { queryPermission?: (d: { mode: string }) => Promise<PermissionState> })
		.queryPermission;
	if (!query) return 'granted';
	return (await query.call(handle, { mode })) as RootPermission;
}

/** The folder holding a changed path ('' for the root itself or its direct children). */
function parentOf(components: readonly string[]): string {
	return components.slice(0, -1).join('/');
}

/** FileSystemObserver (Chromium 129+); not in TypeScript's DOM types yet. */
interface FileSystemChangeRecord {
	type: 'appeared' | 'disappeared' | 'modified' | 'moved' | 'unknown' | 'errored';
	relativePathComponents: string[];
	relativePathMovedFrom: string[] | null;
}
type FileSystemObserverConstructor = new (callback: (records: FileSystemChangeRecord[]) => void) => {
	observe(handle: FileSystemHandle, options?: { recursive?: boolean }): Promise<void>;
	disconnect(): void;
};
