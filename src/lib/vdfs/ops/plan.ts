import type { ConflictChoice, FileOpKind, FileRef, JobAnswer } from '../api';
import { VdfsError } from '../errors';
import type { DirListing, FileSource } from '../fs/source';
import type { TrashId } from '../ids';
import { baseName, joinPath, parentPath } from './index-writes';
import { isWorkingName } from './names';

/**
 * A file operation is planned once, when its job first runs, as a list of steps in the order
 * they run (a folder before what goes in it; a moved folder's removal after). The job row keeps
 * the plan (params) and how far it got (checkpoint), so a paused, reloaded or crashed job goes
 * on from the step it was at.
 */
export type Step =
	/** A folder made at `to` (a copy of `from`); `top`: one of the items asked for. */
	| { t: 'dir'; from?: FileRef; to: FileRef; top?: true }
	/** A file copied; with `move`, its source is removed after and its index row moves. */
	| { t: 'file'; from: FileRef; to: FileRef; size: number; top?: true; move?: true }
	/** A file or folder moved in one platform call (within one file system). */
	| { t: 'mv'; from: FileRef; to: FileRef; isDir: boolean; size: number; files: number }
	/** A source folder removed after its files moved out, if nothing was left behind (skipped). */
	| { t: 'rmdir'; from: FileRef }
	/** Deleted for good. */
	| { t: 'rm'; from: FileRef }
	/** Moved into its location's trash, as trash item `id`. */
	| { t: 'trash'; from: FileRef; id: TrashId }
	/** A trash item put back where it was (or beside, under a numbered name). */
	| { t: 'restore'; id: TrashId }
	/** A trash item removed for good. */
	| { t: 'purge'; id: TrashId };

export interface FileJobParams {
	op: FileOpKind;
	/** copy and move: each source and the full path it goes to. */
	pairs?: { from: FileRef; to: FileRef }[];
	/** trash and delete. */
	refs?: FileRef[];
	/** restore and empty-trash. */
	trashIds?: TrashId[];
	/** Where a name is taken. */
	policy: ConflictChoice | 'ask';
	/** Where a file fails: skip it, or ask. */
	errorPolicy: 'skip' | 'ask';
	/** A duplicate: the copy is named "name copy". */
	duplicate?: boolean;
	/** The user's answers to the questions asked, by step. */
	answers?: Record<number, JobAnswer['choice']>;
	/** This operation is an undo: it is not itself recorded for undo. */
	isUndo?: boolean;
	/** How Undo names it (a folder renamed runs as a move). @default 'Undo move of N items' */
	undoLabel?: string;
	steps?: Step[];
}

/** Where a running operation is: saved after every step, with the index change of that step. */
export interface FileJobCheckpoint {
	cursor: number;
	files: number;
	bytes: number;
	/** Target paths that went elsewhere (keep both, a duplicate's name): [from, to] prefixes. */
	remap: [string, string][];
	/** Target paths skipped, with everything under them. */
	skips: string[];
	/** The items done: where each came from and where it went (for undo). */
	done: [FileRef, FileRef][];
	/**
	 * A batch of files written whole under working names, on their way to their own names
	 * (the steps from the cursor on, in order): a reload finishes them from here. `skip`: that
	 * step is passed over; `replace`: what has its name is replaced.
	 */
	inflight?: {
		cursor: number;
		partial?: string;
		to?: string;
		replace?: true;
		skip?: true;
		/** The source file's mtime when read: its content id carries over only if the index has that one. */
		sourceMtime?: number;
	}[];
	/** A folder being moved file by file (or restored) to `to`: a reload goes on into the same place. */
	moving?: { cursor: number; to: string };
	/** Locations whose index could not follow (a folder not indexed yet): rescanned after. */
	rescan: string[];
}

export function emptyCheckpoint(): FileJobCheckpoint {
	return { cursor: 0, files: 0, bytes: 0, remap: [], skips: [], done: [], rescan: [] };
}

/** Totals of a plan: files and bytes, for progress. */
export function planTotals(steps: readonly Step[]): { files: number; bytes: number } {
	let files = 0;
	let bytes = 0;
	for (const s of steps) {
		if (s.t === 'file') {
			files++;
			bytes += s.size;
		} else if (s.t === 'mv') {
			files += s.files;
			bytes += s.size;
		} else if (s.t === 'rm' || s.t === 'trash' || s.t === 'restore' || s.t === 'purge') files++;
	}
	return { files, bytes };
}

/** Whether `path` is `base` or inside it. */
export function within(path: string, base: string): boolean {
	return path === base || path.startsWith(`${base}/`);
}

/** Checks a copy or move before anything is written: no folder into itself. */
export function checkPair(from: FileRef, to: FileRef): void {
	if (from.path === '') {
		throw new VdfsError('InvalidInput', 'A whole location cannot be copied or moved; pick what is inside it.');
	}
	if (from.location === to.location && to.path.startsWith(`${from.path}/`)) {
		throw new VdfsError('InvalidInput', `“${baseName(from.path)}” cannot go inside itself.`);
	}
}

/**
 * The steps that copy (or move, by copying) the file or folder `from` to `to`: folders first,
 * each file, and for a move each emptied folder's removal after its contents.
 */
export async function expand(
	source: FileSource,
	listings: Listings,
	from: FileRef,
	to: FileRef,
	move: boolean,
	signal: AbortSignal,
	top = true
): Promise<Step[]> {
	const entry = await statOf(source, listings, from.path);
	if (!entry.isDir) {
		return [
			{
				t: 'file',
				from,
				to,
				size: entry.size,
				...(top ? { top: true as const } : {}),
				...(move ? { move: true as const } : {})
			}
		];
	}
	const steps: Step[] = [{ t: 'dir', from, to, ...(top ? { top: true as const } : {}) }];
	const walk = async (dir: string, target: string) => {
		signal.throwIfAborted();
		const listing = await source.list(dir, signal);
		for (const child of listing.entries) {
			if (isWorkingName(child.name)) continue;
			const childFrom = { location: from.location, path: joinPath(dir, child.name) };
			const childTo = { location: to.location, path: joinPath(target, child.name) };
			if (child.isDir) {
				steps.push({ t: 'dir', from: childFrom, to: childTo });
				await walk(childFrom.path, childTo.path);
			} else {
				steps.push({
					t: 'file',
					from: childFrom,
					to: childTo,
					size: child.size,
					...(move ? { move: true as const } : {})
				});
			}
		}
		// A child that could not be read is copied as a step that fails with the reason.
		for (const problem of listing.problems) {
			steps.push({
				t: 'file',
				from: { location: from.location, path: joinPath(dir, problem.name) },
				to: { location: to.location, path: joinPath(target, problem.name) },
				size: 0,
				...(move ? { move: true as const } : {})
			});
		}
		if (move) steps.push({ t: 'rmdir', from: { location: from.location, path: dir } });
	};
	await walk(from.path, to.path);
	return steps;
}

/** Folder listings a plan has read, by location and path: many items of one folder read it once. */
export type Listings = Map<string, Promise<DirListing>>;

/** Whether a path is a folder, and a file's size: from a listing of its folder. */
export async function statOf(
	source: FileSource,
	listings: Listings,
	path: string
): Promise<{ isDir: boolean; size: number; mtime: number }> {
	const dir = parentPath(path);
	let listing = listings.get(dir);
	if (!listing) {
		listing = source.list(dir);
		listings.set(dir, listing);
	}
	const name = baseName(path);
	const entry = (await listing).entries.find((e) => e.name === name);
	if (!entry) throw new VdfsError('NotFound', `“${path}” is gone (moved or deleted).`, { path });
	return entry;
}
