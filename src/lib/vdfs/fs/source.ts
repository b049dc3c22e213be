import { VdfsError } from '../errors';
import type { LocationKind } from '../api';

/** One child of a directory as a file source reports it. */
export interface SourceEntry {
	name: string;
	isDir: boolean;
	/** Bytes; 0 for directories. */
	size: number;
	/** Milliseconds since the epoch; 0 for directories where the platform has none (FSA). */
	mtime: number;
	/** Size and mtime were not read (the caller named this file in `skipStat`): both are 0. */
	unread?: true;
}

export interface ListOptions {
	/**
	 * Files whose size and mtime the caller already knows to be current (a watched location):
	 * they are listed by name only, without a getFile() each.
	 */
	skipStat?: readonly string[];
}

/** A child that could not be read while listing (vanished, no permission): reported, skipped. */
export interface SourceProblem {
	name: string;
	code: 'NotFound' | 'NotReadable';
	message: string;
}

export interface DirListing {
	entries: SourceEntry[];
	problems: SourceProblem[];
}

/**
 * Where a location's files come from. Paths are relative to the location root, '/'-separated,
 * '' for the root. Every adapter runs the one acceptance suite (tests/unit/fs-source.suite.ts).
 */
export interface FileSource {
	readonly kind: LocationKind;
	/**
	 * The children of a directory, files with size and mtime. Children that fail are listed in
	 * `problems`; the directory itself failing throws a VdfsError (`NotFound`, `PermissionLost`,
	 * `NotReadable`).
	 */
	list(dirPath: string, signal?: AbortSignal, options?: ListOptions): Promise<DirListing>;
	/**
	 * The location's folder handle, where it has one (`fsa`, `opfs`): workers open files under it
	 * themselves instead of being handed each File.
	 */
	readonly root?: FileSystemDirectoryHandle;
	/** A file's bytes, for content ids and previews. */
	file(path: string): Promise<File>;
	/** Frees what the source holds (a walker worker); called when a job is done with it. */
	close?(): void;
}

/** Joins a directory path and a child name. */
export function childPath(dir: string, name: string): string {
	return dir ? `${dir}/${name}` : name;
}

/** Maps File System Access errors onto what the user should read. */
export function fsError(e: unknown, path: string): VdfsError {
	if (e instanceof VdfsError) return e;
	const name = e instanceof Error ? e.name : '';
	if (name === 'NotFoundError')
		return new VdfsError('NotFound', `“${path}” is gone (moved or deleted while Orrery was reading it).`, { path });
	if (name === 'NotAllowedError' || name === 'SecurityError') {
		return new VdfsError(
			'PermissionLost',
			`Orrery no longer has permission to read this folder. Grant access again to continue.`,
			{ path }
		);
	}
	if (name === 'AbortError') return new VdfsError('Cancelled', 'Cancelled.');
	if (name === 'TypeMismatchError')
		return new VdfsError('NotFound', `“${path}” changed from a file to a folder or back while it was read.`, { path });
	return new VdfsError('NotReadable', `“${path}” could not be read: ${e instanceof Error ? e.message : String(e)}`, {
		path
	});
}
