import type { JobProblem, JobProgress } from '../api';
import { ENTRY_PATH } from '../entries/entries';
import { fsError, type FileSource } from '../fs/source';
import type { SourceResolver } from '../indexer/index-job';
import { jobLocation } from '../jobs/jobs';
import { rateAndEta, type JobContext, type JobHandler } from '../jobs/runner';
import type { OpenLibrary } from '../library/library';
import { fileRef, type Hasher, type IdentifyItem, type IdentifyResult } from './hasher';
import type { Identity } from './identify';

/** Where a stopped identify job picks up: every file with a row id up to `after` was tried. */
export interface IdentifyCheckpoint {
	after: number;
	done: IdentifyTally;
}

export interface IdentifyTally {
	/** Files tried (identified or reported). */
	files: number;
	bytes: number;
	/** Files given a content id. */
	identified: number;
}

export interface IdentifyOptions {
	signal?: AbortSignal;
	resumeFrom?: IdentifyCheckpoint;
	onProgress?: (tally: IdentifyTally & { total: number; currentPath: string }) => void;
	onProblem?: (problem: JobProblem) => void;
	onCheckpoint?: (checkpoint: IdentifyCheckpoint) => void;
	/**
	 * Content ids written per transaction. Commits are what cost on OPFS; 1,000 keeps a
	 * transaction short next to a running index job's. @default 1000
	 */
	batchSize?: number;
	/** Written at least this often, so progress shows in views. @default 1000 */
	flushEveryMs?: number;
}

interface Pending {
	id: number;
	path: string;
	size: number;
	mtime: number | null;
}

interface Found extends Identity {
	id: number;
	size: number;
	mtime: number | null;
}

/** Rows read from the index at a time. */
const PAGE = 2000;

/**
 * Files handed to the hasher at once. The hasher reads several of them at a time; a job keeps
 * `hasher.batches` of these in flight.
 */
const BATCH = 128;

/**
 * Gives the files of a location that have none a content id, kind and mime type: reads each
 * through the hasher (a pool of workers in the browser, several files in flight per worker) and
 * writes the results in batches. A file whose size or mtime differs from the index, or that
 * changes or vanishes while it is read, is reported and left without an id; the next rescan
 * sees the change and the identify job after it tries again. An id is only written while the
 * entry still has the size and mtime the file was read at.
 */
export async function identifyLocation(
	lib: OpenLibrary,
	locationRowId: number,
	source: FileSource,
	hasher: Hasher,
	options: IdentifyOptions = {}
): Promise<IdentifyTally> {
	const batchSize = options.batchSize ?? 1000;
	const flushEveryMs = options.flushEveryMs ?? 1000;
	const tally: IdentifyTally = { files: 0, bytes: 0, identified: 0, ...options.resumeFrom?.done };
	let after = options.resumeFrom?.after ?? 0;
	const total =
		tally.files +
		(lib.sql.value<number>(
			`SELECT count(*) FROM entry INDEXED BY entry_unidentified
			WHERE location_id = ? AND cas_id IS NULL AND is_dir = 0 AND size > 0 AND id > ?`,
			[locationRowId, after]
		) ?? 0);
	// A lane that meets a fatal error (permission lost) stops the others.
	const stop = new AbortController();
	const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
	const inFlight = new Set<number>();
	let page: Pending[] = [];
	let fetchedUpTo = after;
	let exhausted = false;
	let found: Found[] = [];
	let lastFlush = Date.now();
	let currentPath = '';

	const next = (): Pending | undefined => {
		if (page.length === 0 && !exhausted) {
			page = lib.sql.all<Pending>(
				`SELECT e.id, ${ENTRY_PATH} AS path, e.size, e.mtime
				FROM entry e INDEXED BY entry_unidentified JOIN entry p ON p.id = e.parent_id
				WHERE e.location_id = ? AND e.cas_id IS NULL AND e.is_dir = 0 AND e.size > 0 AND e.id > ?
				ORDER BY e.id LIMIT ?`,
				[locationRowId, fetchedUpTo, PAGE]
			);
			if (page.length < PAGE) exhausted = true;
			if (page.length > 0) fetchedUpTo = page[page.length - 1].id;
			page.reverse();
		}
		return page.pop();
	};

	const flush = () => {
		lastFlush = Date.now();
		const batch = found;
		found = [];
		if (batch.length > 0) tally.identified += writeIdentities(lib, batch);
		// Every row below the oldest one still being read has been tried.
		after = inFlight.size > 0 ? Math.min(...inFlight) - 1 : fetchedUpTo;
		options.onCheckpoint?.({ after, done: { ...tally } });
	};

	/** Takes the next rows to read, at most `count`. */
	const take = (count: number): Pending[] => {
		const rows: Pending[] = [];
		while (rows.length < count) {
			const row = next();
			if (!row) break;
			rows.push(row);
		}
		return rows;
	};

	const settle = (row: Pending, result: IdentifyResult) => {
		// After a stop nothing more is written or counted: the row stays in flight, so the
		// checkpoint keeps it for the resumed job.
		if (signal.aborted) return;
		currentPath = row.path;
		if ('identity' in result) {
			found.push({ ...result.identity, id: row.id, size: row.size, mtime: row.mtime });
		} else {
			const err = result.error;
			// Losing permission (or the hasher) ends the job; anything else is this file's problem.
			if (err.code === 'PermissionLost' || err.code === 'QuotaExceeded' || err.code === 'Internal') {
				stop.abort(err);
				return;
			}
			options.onProblem?.({ path: row.path, code: err.code, message: err.message });
		}
		inFlight.delete(row.id);
		tally.files++;
		tally.bytes += row.size;
		options.onProgress?.({ ...tally, identified: tally.identified + found.length, total, currentPath });
		if (found.length >= batchSize || Date.now() - lastFlush >= flushEveryMs) flush();
	};

	/** Feeds the hasher batch after batch until the rows run out. */
	const feed = async (): Promise<void> => {
		for (;;) {
			signal.throwIfAborted();
			const rows = take(BATCH);
			if (rows.length === 0) return;
			for (const row of rows) inFlight.add(row.id);
			const items: IdentifyItem[] = [];
			const sent: Pending[] = [];
			for (const row of rows) {
				try {
					items.push({ ref: await fileRef(source, row.path), indexed: row });
					sent.push(row);
				} catch (e) {
					settle(row, { error: fsError(e, row.path) });
				}
			}
			await hasher.identifyMany(items, (i, result) => settle(sent[i], result), signal);
		}
	};

	try {
		await Promise.all(
			Array.from({ length: Math.max(1, hasher.batches) }, () =>
				feed().catch((e: unknown) => {
					stop.abort(e);
					throw e;
				})
			)
		);
	} catch (e) {
		// What was read before the stop is kept; the checkpoint says where to go on.
		if (found.length > 0) flush();
		throw options.signal?.aborted ? (options.signal.reason as Error) : e;
	}
	flush();
	return tally;
}

/**
 * Writes content rows and entries' content ids in one transaction. An entry is only given its id
 * while it still has the size and mtime it was read at (a rescan may have changed it meanwhile);
 * each one stamped takes a sequence number, so peers learn the id. Returns entries updated.
 */
export function writeIdentities(lib: OpenLibrary, batch: readonly Found[]): number {
	const json = JSON.stringify(batch.map((f) => [f.id, f.casId, f.kind, f.mime, f.size, f.mtime]));
	return lib.sql.tx(() => {
		// The first file to name a kind decides it; a later one only fills in an unknown.
		lib.sql.run(
			`INSERT INTO content (cas_id, kind, mime, size)
			SELECT j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4 FROM json_each(?) j WHERE true
			ON CONFLICT (cas_id) DO UPDATE SET kind = excluded.kind, mime = excluded.mime
			WHERE content.kind = 'unknown' AND excluded.kind <> 'unknown'`,
			[json]
		);
		const seq = lib.nextSeq();
		const written = lib.sql.run(
			`UPDATE entry SET cas_id = j.value ->> 1, seq = ?2 + j.key
			FROM json_each(?1) j
			WHERE entry.id = j.value ->> 0 AND entry.cas_id IS NULL
				AND entry.size = j.value ->> 4 AND entry.mtime IS j.value ->> 5`,
			[json, seq]
		);
		if (written > 0) lib.useSeqUpTo(seq + batch.length);
		return written;
	});
}

/** Identify jobs: content ids for a location's files that have none (see identifyLocation). */
export class IdentifyJob implements JobHandler {
	constructor(
		private readonly sources: SourceResolver,
		private readonly hasher: () => Hasher
	) {}

	async run({ lib, row, signal, progress, problem, checkpoint, emit }: JobContext): Promise<void> {
		const location = jobLocation(lib, row);
		const started = Date.now();
		const source = await this.sources({ id: location.uuid, kind: location.kind });
		try {
			await identifyLocation(lib, row.location_id ?? 0, source, this.hasher(), {
				signal,
				resumeFrom: row.checkpoint ? (JSON.parse(row.checkpoint) as IdentifyCheckpoint) : undefined,
				onProblem: problem,
				onProgress: (t) => progress(toJobProgress(t, started)),
				onCheckpoint: (cp) => {
					checkpoint(cp);
					emit({ topic: 'entry', library: lib.id });
				}
			});
		} finally {
			if (source.root) this.hasher().release?.(source.root);
			source.close?.();
		}
		emit({ topic: 'entry', library: lib.id });
	}
}

function toJobProgress(t: IdentifyTally & { total: number; currentPath: string }, started: number): JobProgress {
	return {
		phase: 'identifying',
		done: t.files,
		total: t.total,
		files: t.files,
		bytes: t.bytes,
		written: t.identified,
		currentPath: t.currentPath,
		...rateAndEta(t.files, t.files, t.total, started)
	};
}
