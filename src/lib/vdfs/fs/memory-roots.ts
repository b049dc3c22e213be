import type { LocationKind } from '../api';
import { VdfsError } from '../errors';
import type { LocationId } from '../ids';
import { FsaSource } from './fsa-source';
import { MemorySource } from './memory-source';
import type { LocationRoots, RootPermission, WatchChange } from './roots';
import type { FileSource } from './source';

/** LocationRoots for Node tests: each location gets a MemorySource the test can fill. */
export class MemoryRoots implements LocationRoots {
	readonly sources = new Map<LocationId, MemorySource>();
	readonly permissions = new Map<LocationId, RootPermission>();
	/** Permission to change files, where a test sets it. @default 'granted' */
	readonly writePermissions = new Map<LocationId, RootPermission>();
	/**
	 * Folder handles (an in-memory FileSystemDirectoryHandle in tests): a location with one is
	 * read through it, as in the browser, and file operations can write to it.
	 */
	readonly handles = new Map<LocationId, FileSystemDirectoryHandle>();
	/** Locations' watchers; tests report changes through `notify`. */
	readonly watchers = new Map<LocationId, (change: WatchChange) => void>();
	/** Whether locations can be watched (as where FileSystemObserver exists). @default true */
	watchable = true;

	watch(location: { id: LocationId }, onChange: (change: WatchChange) => void): Promise<(() => void) | null> {
		if (!this.watchable || !this.sources.has(location.id)) return Promise.resolve(null);
		this.watchers.set(location.id, onChange);
		return Promise.resolve(() => this.watchers.delete(location.id));
	}

	/** Test helper: what a FileSystemObserver would report for this location. */
	notify(id: LocationId, change: WatchChange): void {
		this.watchers.get(id)?.(change);
	}

	attach(location: { id: LocationId }): Promise<void> {
		if (!this.sources.has(location.id)) this.sources.set(location.id, new MemorySource({}));
		return Promise.resolve();
	}

	source(location: { id: LocationId; kind: LocationKind }): Promise<FileSource> {
		const handle = this.handles.get(location.id);
		if (handle) return Promise.resolve(new FsaSource(handle, location.kind));
		const source = this.sources.get(location.id);
		if (!source) return Promise.reject(new VdfsError('NotFound', 'This location’s folder is not available.'));
		if (this.permissions.get(location.id) === 'prompt') {
			return Promise.reject(new VdfsError('PermissionLost', 'Orrery needs permission to read this folder again.'));
		}
		return Promise.resolve(source);
	}

	permission(location: { id: LocationId }, mode: 'read' | 'readwrite' = 'read'): Promise<RootPermission> {
		const map = mode === 'readwrite' ? this.writePermissions : this.permissions;
		return Promise.resolve(map.get(location.id) ?? 'granted');
	}

	handle(location: { id: LocationId }): Promise<FileSystemDirectoryHandle | null> {
		return Promise.resolve(this.handles.get(location.id) ?? null);
	}

	detach(location: { id: LocationId }): Promise<void> {
		this.sources.delete(location.id);
		return Promise.resolve();
	}
}
