import type { ContentKind, JobProgress } from '../api';
import { ENTRY_PATH } from '../entries/entries';
import { fsError } from '../fs/source';
import type { SourceResolver } from '../indexer/index-job';
import { checkIndexed, fileRef, type Hasher, type IdentifyItem } from '../identity/hasher';
import { jobLocation } from '../jobs/jobs';
import { rateAndEta, type JobContext, type JobHandler } from '../jobs/runner';
import type { OpenLibrary } from '../library/library';
import type { MediaResult } from './media';
import { readPlayable, type MediaProbe } from './playable';
import { thumbPath } from './thumbs';

/**
 * The kinds a media job reads: images in the hasher workers, videos and audio through the
 * page's media elements (a MediaProbe), which workers lack.
 */
export const MEDIA_JOB_KINDS: readonly ContentKind[] = ['image', 'video', 'audio'];

/** As in the index content_media_unread (schema migration 6), which a query uses only then. */
const UNREAD = `c.media_state = 0 AND c.kind IN (${MEDIA_JOB_KINDS.map((k) => `'${k}'`).join(', ')})`;

/**
 * Locations (not imports, whose files are gone after a reload) with content whose media facts
 * were never read: one pass over content at start, instead of a scan of each location's entries.
 */
export function locationsWithMediaToRead(lib: OpenLibrary): number[] {
	return lib.sql.all<{ id: number }>(MEDIA_SQL.locations).map((r) => r.id);
}

/** Whether a location has content whose media facts were never read. */
export function hasMediaToRead(lib: OpenLibrary, locationRowId: number): boolean {
	return lib.sql.value<number>(MEDIA_SQL.any, [locationRowId]) === 1;
}

interface Candidate {
	id: number;
	path: string;
	size: number;
	mtime: number | null;
	cas_id: string;
	kind: ContentKind;
}

/**
 * The media job's queries. Each starts from the unread contents, by their own index, and not
 * from a location's entries (CROSS JOIN keeps SQLite to that order): a library of a million
 * files with a few new photos reads a few rows. INDEXED BY, because the planner otherwise takes
 * content_kind (search's) and reads every image ever read.
 */
export const MEDIA_SQL = {
	/** Locations with unread content (not imports, whose files are gone after a reload). */
	locations: `SELECT DISTINCT e.location_id AS id FROM content c INDEXED BY content_media_unread CROSS JOIN entry e
		JOIN location l ON l.id = e.location_id
		WHERE ${UNREAD} AND e.cas_id = c.cas_id AND l.kind <> 'snapshot'`,
	/** 1 if a location (?) has unread content. */
	any: `SELECT 1 FROM content c INDEXED BY content_media_unread WHERE ${UNREAD}
		AND EXISTS (SELECT 1 FROM entry e WHERE e.cas_id = c.cas_id AND e.location_id = ?1) LIMIT 1`,
	/** Unread contents with a copy in a location (?). */
	count: `SELECT count(*) FROM content c INDEXED BY content_media_unread WHERE ${UNREAD}
		AND EXISTS (SELECT 1 FROM entry e WHERE e.cas_id = c.cas_id AND e.location_id = ?1)`,
	/**
	 * The next unread contents after a content id (?2), with one copy of each in a location (?1),
	 * at most ?3.
	 */
	page: `SELECT e.id, ${ENTRY_PATH} AS path, e.size, e.mtime, c.cas_id, c.kind
		FROM content c INDEXED BY content_media_unread
		JOIN entry e ON e.id = (SELECT id FROM entry WHERE cas_id = c.cas_id AND location_id = ?1 LIMIT 1)
		JOIN entry p ON p.id = e.parent_id
		WHERE ${UNREAD} AND c.cas_id > ?2
		ORDER BY c.cas_id LIMIT ?3`
} as const;

/** Rows read from the index at a time. */
const PAGE = 500;
/**
 * Images in flight per hasher worker: decoding is CPU work, reading and storing are round trips
 * to the browser process; with several in flight one decodes while the others wait.
 */
const LANES_PER_WORKER = 4;

/** Videos and audio in flight: the page reads two at a time (client/media-probe.ts). */
const PLAYABLE_LANES = 2;
/** Playables queued before picture lanes stop reading ahead and help with them. */
const BACKLOG = 5 * PAGE;

type Lane = 'picture' | 'playable';
const playable = (kind: ContentKind): kind is 'video' | 'audio' => kind === 'video' || kind === 'audio';

/** Results written per transaction (or each second, so thumbnails show as they come). */
const BATCH = 100;

/**
 * Media jobs: for each content of a location whose facts were never read (one copy of it, as
 * copies share content), the dimensions, date taken and EXIF, and a thumbnail in OPFS keyed by
 * content id. Images are read in the hasher workers, LANES_PER_WORKER in flight per worker;
 * videos and audio through the probe. A content already read (by another location, another
 * copy) is skipped; a file that cannot be opened is reported and tried next time.
 */
export class MediaJob implements JobHandler {
	constructor(
		private readonly sources: SourceResolver,
		private readonly hasher: () => Hasher,
		/** Reads videos and audio; null where there is no page to lend media elements (Node). */
		private readonly probe: () => MediaProbe | null = () => null
	) {}

	async run({ lib, row, signal, progress, problem, emit }: JobContext): Promise<void> {
		const location = jobLocation(lib, row);
		const locationRowId = row.location_id ?? 0;
		const source = await this.sources({ id: location.uuid, kind: location.kind });
		const hasher = this.hasher();
		const started = Date.now();
		const total = lib.sql.value<number>(MEDIA_SQL.count, [locationRowId]) ?? 0;
		let after = '';
		// Pictures and playables (videos, audio) wait apart: the page reads two playables at a
		// time, and a lane waiting for it must not hold up the pictures behind.
		const queues: Record<Lane, Candidate[]> = { picture: [], playable: [] };
		let exhausted = false;
		let results: [string, MediaResult][] = [];
		let lastWrite = Date.now();
		const tally = { files: 0, bytes: 0, written: 0 };

		/** The next content for a lane of a kind; one of the other kind when its own run out. */
		const next = (lane: Lane): Candidate | undefined => {
			for (;;) {
				const own = queues[lane];
				if (own.length > 0) return own.shift();
				// Picture lanes read on while fewer than BACKLOG playables wait (videos can be
				// slow); past that they help with the playables.
				if (!exhausted && (lane === 'playable' || queues.playable.length < BACKLOG)) {
					// One row per content (content first), so no content comes twice.
					const page = lib.sql.all<Candidate>(MEDIA_SQL.page, [locationRowId, after, PAGE]);
					exhausted = page.length < PAGE;
					if (page.length > 0) after = page[page.length - 1].cas_id;
					for (const c of page) queues[playable(c.kind) ? 'playable' : 'picture'].push(c);
					continue;
				}
				const other = queues[lane === 'picture' ? 'playable' : 'picture'];
				return other.shift();
			}
		};

		const write = () => {
			lastWrite = Date.now();
			const batch = results;
			results = [];
			if (batch.length === 0) return;
			tally.written += writeMedia(lib, batch);
			emit({ topic: 'entry', library: lib.id });
		};

		const one = async (candidate: Candidate) => {
			const target = thumbPath(lib.id, candidate.cas_id);
			// Awaited first: `results.push(await …)` would read `results` before the await and push
			// into a batch another lane had already written (three photos lost in bench explorer).
			let media: MediaResult;
			const { kind } = candidate;
			if (playable(kind)) {
				// Read by the page, not a hasher worker.
				const file = await source.file(candidate.path);
				checkIndexed(file, candidate);
				media = await readPlayable(file, kind, target, this.probe());
			} else {
				const item: IdentifyItem = { ref: await fileRef(source, candidate.path), indexed: candidate };
				media = await hasher.media(item, kind, target, signal);
			}
			results.push([candidate.cas_id, media]);
		};

		const lane = async (kind: Lane) => {
			for (let candidate = next(kind); candidate; candidate = next(kind)) {
				signal.throwIfAborted();
				try {
					await one(candidate);
				} catch (e) {
					if (signal.aborted) throw e;
					const err = fsError(e, candidate.path);
					if (err.code === 'PermissionLost') throw err;
					problem({ path: candidate.path, code: err.code, message: err.message });
				}
				tally.files++;
				tally.bytes += candidate.size;
				progress(toProgress(tally, total, candidate.path, started));
				if (results.length >= BATCH || Date.now() - lastWrite >= 1000) write();
			}
		};

		try {
			await Promise.all([
				...Array.from({ length: Math.max(1, hasher.workers * LANES_PER_WORKER) }, () => lane('picture')),
				...Array.from({ length: PLAYABLE_LANES }, () => lane('playable'))
			]);
		} catch (e) {
			// What was read is kept, however the job ends.
			write();
			throw e;
		} finally {
			if (source.root) hasher.release?.(source.root);
			source.close?.();
		}
		write();
		progress(toProgress(tally, total, '', started));
	}
}

/**
 * Stores media results on their content rows. media_state: 1 read (some facts or a thumbnail),
 * 2 nothing readable. thumb: 1 stored, 2 none can be made (the kind icon shows), 0 not tried
 * here (no canvas in this thread). Returns contents updated.
 */
export function writeMedia(lib: OpenLibrary, batch: readonly [string, MediaResult][]): number {
	const rows = batch.map(([casId, { facts, thumb }]) => {
		const hasFacts =
			facts !== null &&
			(facts.width !== null || facts.duration !== null || facts.takenAt !== null || Object.keys(facts.meta).length > 0);
		return [
			casId,
			facts?.width ?? null,
			facts?.height ?? null,
			facts?.duration ?? null,
			facts?.takenAt ?? null,
			facts && Object.keys(facts.meta).length > 0 ? JSON.stringify(facts.meta) : null,
			hasFacts || thumb === 'stored' ? 1 : 2,
			thumb === 'stored' ? 1 : thumb === 'failed' ? 2 : 0
		];
	});
	return lib.sql.tx(() =>
		lib.sql.run(
			`UPDATE content SET width = j.value ->> 1, height = j.value ->> 2, duration = j.value ->> 3,
				taken_at = j.value ->> 4, media = j.value ->> 5, media_state = j.value ->> 6, thumb = j.value ->> 7
			FROM json_each(?) j WHERE content.cas_id = j.value ->> 0`,
			[JSON.stringify(rows)]
		)
	);
}

function toProgress(
	t: { files: number; bytes: number; written: number },
	total: number,
	currentPath: string,
	started: number
): JobProgress {
	return {
		phase: 'thumbnails',
		done: t.files,
		total,
		files: t.files,
		bytes: t.bytes,
		written: t.written,
		currentPath,
		...rateAndEta(t.files, t.files, total, started)
	};
}
