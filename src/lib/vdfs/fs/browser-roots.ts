import { del, get, set } from 'idb-keyval';
import type { LocationKind } from '../api';
import { VdfsError } from '../errors';
import type { LocationId } from '../ids';
import { FsaSource } from './fsa-source';
import type { LocationRoots, RootInput, RootPermission } from './roots';
import { SnapshotSource, type SnapshotFile } from './snapshot-source';
import type { FileSource } from './source';

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

	async source(location: Location): Promise<FileSource> {
		if (location.kind === 'opfs') return new FsaSource(await opfsFolder(location.id, true), 'opfs');
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
		return new FsaSource(handle, 'fsa');
	}

	async permission(location: Location): Promise<RootPermission> {
		if (location.kind !== 'fsa') return 'granted';
		return queryPermission(await this.#handle(location.id));
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
async function queryPermission(handle: FileSystemDirectoryHandle): Promise<RootPermission> {
	const query = (handle as unknown as { queryPermission?: (d: { mode: string }) => Promise<PermissionState> })
		.queryPermission;
	if (!query) return 'granted';
	return (await query.call(handle, { mode: 'read' })) as RootPermission;
}
