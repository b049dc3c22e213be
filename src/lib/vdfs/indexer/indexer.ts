import type { EntryInput, LocationId } from '../api';
import { putEntries } from '../entries/entries';
import { VdfsError, toVdfsError } from '../errors';
import { childPath, fsError, type FileSource } from '../fs/source';
import type { OpenLibrary } from '../library/library';
import { locationRowId } from '../locations/locations';
import { gitignoreMatcher, isExcluded, type GitignoreChain, type IndexerRules } from './rules';

export interface IndexProgress {
	phase: 'walking' | 'totals' | 'done';
	/** Folders listed so far, and folders known but not listed yet. */
	dirsDone: number;
	dirsQueued: number;
	files: number;
	bytes: number;
	/** Rows written (inserted, changed or removed); 0 on a rescan of an unchanged tree. */
	written: number;
	currentPath: string;
}

export interface IndexProblem {
	path: string;
	code: string;
	message: string;
}

/** Where a stopped walk picks up: the folders still to list (with the .gitignore folders above). */
export interface IndexCheckpoint {
	queue: string[];
	done: Omit<IndexProgress, 'phase' | 'currentPath' | 'dirsQueued'>;
}

export interface IndexOptions {
	rules: IndexerRules;
	signal?: AbortSignal;
	/** Called after each written batch with where to resume. */
	onCheckpoint?: (checkpoint: IndexCheckpoint) => void;
	onProgress?: (progress: IndexProgress) => void;
	onProblem?: (problem: IndexProblem) => void;
	resumeFrom?: IndexCheckpoint;
	/** Rows per write transaction. @default 1000 */
	batchSize?: number;
}

interface DbChild {
	id: number;
	uuid: string;
	name: string;
	is_dir: number;
	size: number;
	mtime: number | null;
}

/**
 * Indexes a location: walks it breadth-first, applies the rules, diffs each folder against the
 * index (new, changed by size or mtime, removed) and writes in batched transactions. Memory
 * holds the queue of folder paths and one batch, whatever the size of the tree. A second run
 * over an unchanged tree writes nothing. Problems with single files are reported and skipped;
 * losing permission or the whole location throws.
 */
export async function indexLocation(
	lib: OpenLibrary,
	location: LocationId,
	source: FileSource,
	options: IndexOptions
): Promise<IndexProgress> {
	const { rules, signal } = options;
	const batchSize = options.batchSize ?? 1000;
	const locId = locationRowId(lib, location);
	const queue = options.resumeFrom?.queue.slice() ?? [''];
	const progress: IndexProgress = {
		phase: 'walking',
		dirsDone: 0,
		files: 0,
		bytes: 0,
		written: 0,
		...options.resumeFrom?.done,
		dirsQueued: queue.length,
		currentPath: ''
	};
	let upserts: EntryInput[] = [];
	let deletes: DbChild[] = [];
	/** .gitignore matchers by the folder they were found in; a folder's chain is its ancestors'. */
	const gitignores = new Map<string, GitignoreChain>();

	const flush = () => {
		if (upserts.length === 0 && deletes.length === 0) return;
		progress.written += lib.sql.tx(() => removeEntries(lib, deletes) + putEntries(lib, location, upserts));
		upserts = [];
		deletes = [];
		options.onCheckpoint?.({ queue: queue.slice(), done: pick(progress) });
	};

	while (queue.length > 0) {
		signal?.throwIfAborted();
		const dir = queue.shift()!;
		progress.currentPath = dir;
		let listing;
		try {
			listing = await source.list(dir, signal);
		} catch (e) {
			const err = fsError(e, dir || 'the location');
			if (err.code === 'PermissionLost' || err.code === 'Cancelled' || signal?.aborted) throw e;
			if (dir === '') throw new VdfsError(err.code, `The location cannot be read: ${err.message}`);
			// The folder vanished or cannot be read: report it, keep its old index until a
			// rescan can read it again, and go on with the rest.
			options.onProblem?.({ path: dir, code: err.code, message: err.message });
			progress.dirsDone++;
			continue;
		}
		for (const p of listing.problems)
			options.onProblem?.({ path: childPath(dir, p.name), code: p.code, message: p.message });

		const chain = await gitignoreChain(source, rules, dir, listing.entries, gitignores, options.onProblem);
		const parentId = dirRowId(lib, locId, dir);
		const known = new Map<string, DbChild>();
		if (parentId !== undefined) {
			for (const row of lib.sql.all<DbChild>(
				'SELECT id, uuid, name, is_dir, size, mtime FROM entry WHERE parent_id = ?',
				[parentId]
			)) {
				known.set(row.name, row);
			}
		}
		// A child that could not be read keeps its index row rather than being dropped.
		for (const p of listing.problems) known.delete(p.name);

		for (const entry of listing.entries) {
			const path = childPath(dir, entry.name);
			if (isExcluded(rules, chain, path, entry.name, entry.isDir)) continue;
			const row = known.get(entry.name);
			known.delete(entry.name);
			const changed =
				!row ||
				row.is_dir !== (entry.isDir ? 1 : 0) ||
				(!entry.isDir && (row.size !== entry.size || row.mtime !== entry.mtime));
			if (changed) upserts.push({ path, isDir: entry.isDir, size: entry.size, mtime: entry.mtime });
			if (entry.isDir) {
				queue.push(path);
			} else {
				progress.files++;
				progress.bytes += entry.size;
			}
		}
		// Left over: in the index, no longer on disk (or now excluded by a rule).
		deletes.push(...known.values());
		progress.dirsDone++;
		progress.dirsQueued = queue.length;
		if (upserts.length + deletes.length >= batchSize) flush();
		options.onProgress?.({ ...progress });
	}
	flush();

	progress.phase = 'totals';
	options.onProgress?.({ ...progress });
	updateTotals(lib, locId);
	progress.phase = 'done';
	progress.currentPath = '';
	options.onProgress?.({ ...progress });
	return progress;
}

function pick(p: IndexProgress): IndexCheckpoint['done'] {
	return { dirsDone: p.dirsDone, files: p.files, bytes: p.bytes, written: p.written };
}

function dirRowId(lib: OpenLibrary, locId: number, path: string): number | undefined {
	return lib.sql.value<number>('SELECT id FROM entry WHERE location_id = ? AND path = ?', [locId, path]);
}

/** Deletes entries (their subtrees cascade) and leaves a tombstone for each, for sync. */
function removeEntries(lib: OpenLibrary, rows: readonly DbChild[]): number {
	if (rows.length === 0) return 0;
	let seq = lib.nextSeq();
	const tomb = lib.sql.prepared('INSERT INTO tombstone (device_id, seq, row_kind, uuid) VALUES (?, ?, ?, ?)');
	const del = lib.sql.prepared('DELETE FROM entry WHERE id = ?');
	try {
		for (const row of rows) {
			del.bind([row.id]).step();
			del.reset(true);
			tomb.bind([lib.deviceRowId, seq++, 'entry', row.uuid]).step();
			tomb.reset(true);
		}
	} finally {
		del.reset(true);
		tomb.reset(true);
	}
	lib.useSeqUpTo(seq);
	return rows.length;
}

/** Reads a folder's .gitignore (when the rules honour them) onto the chain from above. */
async function gitignoreChain(
	source: FileSource,
	rules: IndexerRules,
	dir: string,
	entries: readonly { name: string; isDir: boolean }[],
	known: Map<string, GitignoreChain>,
	onProblem: IndexOptions['onProblem']
): Promise<GitignoreChain> {
	const parent = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
	const inherited = dir === '' ? [] : (known.get(parent) ?? []);
	let chain: GitignoreChain = inherited;
	if (rules.gitignore && entries.some((e) => e.name === '.gitignore' && !e.isDir)) {
		const path = childPath(dir, '.gitignore');
		try {
			const text = await (await source.file(path)).text();
			chain = [...inherited, { dir, matcher: gitignoreMatcher(text) }];
		} catch (e) {
			onProblem?.({
				path,
				code: 'NotReadable',
				message: `The .gitignore could not be read: ${toVdfsError(e).message}`
			});
		}
	}
	if (chain.length > 0) known.set(dir, chain);
	return chain;
}

/**
 * Folder sizes and file counts (over the whole subtree) and the location's totals: every file
 * adds itself to each folder above it, aggregated once. Only rows whose totals changed are
 * written, so after an unchanged rescan nothing is.
 */
export function updateTotals(lib: OpenLibrary, locId: number): void {
	lib.sql.tx(() => {
		lib.sql.run(
			`WITH RECURSIVE up(dir_id, size) AS (
				SELECT parent_id, size FROM entry WHERE location_id = ?1 AND is_dir = 0
				UNION ALL
				SELECT e.parent_id, up.size FROM up JOIN entry e ON e.id = up.dir_id WHERE e.parent_id IS NOT NULL
			),
			totals(dir_id, bytes, files) AS (SELECT dir_id, sum(size), count(*) FROM up GROUP BY dir_id)
			UPDATE entry SET size = coalesce(t.bytes, 0), file_count = coalesce(t.files, 0)
			FROM (SELECT d.id, totals.bytes, totals.files FROM entry d LEFT JOIN totals ON totals.dir_id = d.id
				WHERE d.location_id = ?1 AND d.is_dir = 1) AS t
			WHERE entry.id = t.id AND (entry.size IS NOT coalesce(t.bytes, 0) OR entry.file_count IS NOT coalesce(t.files, 0))`,
			[locId]
		);
		lib.sql.run(
			`UPDATE location SET
				total_files = (SELECT count(*) FROM entry WHERE location_id = ?1 AND is_dir = 0),
				total_dirs = (SELECT count(*) FROM entry WHERE location_id = ?1 AND is_dir = 1 AND parent_id IS NOT NULL),
				total_bytes = (SELECT coalesce(sum(size), 0) FROM entry WHERE location_id = ?1 AND is_dir = 0),
				last_indexed_at = ?2
			WHERE id = ?1`,
			[locId, Date.now()]
		);
	});
}
