import type { JobKind, JobProblem, JobProgress, JobState, JobSummary, LocationKind } from '../api';
import { VdfsError, type SerializedError } from '../errors';
import { newId, type JobId, type LocationId } from '../ids';
import type { OpenLibrary } from '../library/library';

/** The job table (migration 2): what the runner and the API read and write. */

export const EMPTY_PROGRESS: JobProgress = {
	phase: 'queued',
	done: 0,
	total: 0,
	files: 0,
	bytes: 0,
	written: 0,
	currentPath: '',
	rate: 0,
	eta: null
};

export interface JobRow {
	id: number;
	uuid: JobId;
	kind: JobKind;
	location_id: number | null;
	location_uuid: LocationId | null;
	state: JobState;
	checkpoint: string | null;
	params: string;
}

/** What an index job was asked for. */
export interface IndexParams {
	/** Read every file's size and mtime, trusting nothing a watch saw. */
	full?: boolean;
	/** A live update: only the folders a watch saw change. */
	changes?: boolean;
}

export function createJob(lib: OpenLibrary, kind: JobKind, locationRowId: number | null, params: object = {}): JobId {
	const id = newId<JobId>();
	lib.sql.run(
		'INSERT INTO job (uuid, kind, location_id, state, progress, created_at, params) VALUES (?, ?, ?, ?, ?, ?, ?)',
		[id, kind, locationRowId, 'queued', JSON.stringify(EMPTY_PROGRESS), Date.now(), JSON.stringify(params)]
	);
	return id;
}

export function setParams(lib: OpenLibrary, id: JobId, params: object): void {
	lib.sql.run('UPDATE job SET params = ? WHERE uuid = ?', [JSON.stringify(params), id]);
}

const ROW = `SELECT j.id, j.uuid, j.kind, j.location_id, l.uuid AS location_uuid, j.state, j.checkpoint, j.params
	FROM job j LEFT JOIN location l ON l.id = j.location_id`;

export function jobRow(lib: OpenLibrary, id: JobId): JobRow | undefined {
	return lib.sql.get<JobRow>(`${ROW} WHERE j.uuid = ?`, [id]);
}

/** The location a job works on; a removed one fails the job with a clear message. */
export function jobLocation(lib: OpenLibrary, row: JobRow): { uuid: LocationId; kind: LocationKind; rules: string } {
	const location = lib.sql.get<{ uuid: LocationId; kind: LocationKind; rules: string }>(
		'SELECT uuid, kind, rules FROM location WHERE id = ?',
		[row.location_id ?? 0]
	);
	if (!location) throw new VdfsError('NotFound', 'The location of this job was removed.');
	return location;
}

/** The oldest job of these kinds waiting to run. */
export function nextQueued(lib: OpenLibrary, kinds: readonly JobKind[]): JobRow | undefined {
	return lib.sql.get<JobRow>(
		`${ROW} WHERE j.state = 'queued' AND j.kind IN (SELECT value FROM json_each(?)) ORDER BY j.created_at, j.id LIMIT 1`,
		[JSON.stringify(kinds)]
	);
}

/** A queued job of this kind for a location, if any. */
export function queuedJobFor(lib: OpenLibrary, kind: JobKind, locationRowId: number): JobRow | undefined {
	return lib.sql.get<JobRow>(`${ROW} WHERE j.kind = ? AND j.location_id = ? AND j.state = 'queued' LIMIT 1`, [
		kind,
		locationRowId
	]);
}

/** An active (queued, running or paused) job of this kind for a location, if any. */
export function activeJobFor(lib: OpenLibrary, kind: JobKind, locationRowId: number): JobRow | undefined {
	return lib.sql.get<JobRow>(
		`${ROW} WHERE j.kind = ? AND j.location_id = ? AND j.state IN ('queued', 'running', 'paused') LIMIT 1`,
		[kind, locationRowId]
	);
}

export function setState(lib: OpenLibrary, id: JobId, state: JobState, error?: SerializedError | null): void {
	const now = Date.now();
	lib.sql.run(
		`UPDATE job SET state = ?2,
			started_at = CASE WHEN ?2 = 'running' THEN coalesce(started_at, ?3) ELSE started_at END,
			finished_at = CASE WHEN ?2 IN ('done', 'failed', 'cancelled') THEN ?3 ELSE NULL END,
			error = CASE WHEN ?4 IS NOT NULL THEN ?4 WHEN ?2 = 'running' THEN NULL ELSE error END
		WHERE uuid = ?1`,
		[id, state, now, error ? JSON.stringify(error) : null]
	);
}

export function saveProgress(lib: OpenLibrary, id: JobId, progress: JobProgress, checkpoint?: unknown): void {
	if (checkpoint === undefined) {
		lib.sql.run('UPDATE job SET progress = ? WHERE uuid = ?', [JSON.stringify(progress), id]);
	} else {
		lib.sql.run('UPDATE job SET progress = ?, checkpoint = ? WHERE uuid = ?', [
			JSON.stringify(progress),
			JSON.stringify(checkpoint),
			id
		]);
	}
}

export function addProblems(lib: OpenLibrary, id: JobId, problems: readonly JobProblem[]): void {
	if (problems.length === 0) return;
	lib.sql.tx(() => {
		const rowId = lib.sql.value<number>('SELECT id FROM job WHERE uuid = ?', [id]);
		const insert = lib.sql.prepared('INSERT INTO job_problem (job_id, path, code, message) VALUES (?, ?, ?, ?)');
		try {
			for (const p of problems) {
				insert.bind([rowId ?? 0, p.path, p.code, p.message]).step();
				insert.reset(true);
			}
		} finally {
			insert.reset(true);
		}
		lib.sql.run('UPDATE job SET problem_count = problem_count + ? WHERE id = ?', [problems.length, rowId ?? 0]);
	});
}

/** Jobs a reload interrupted: they run again from their checkpoint. */
export function requeueInterrupted(lib: OpenLibrary): number {
	return lib.sql.run("UPDATE job SET state = 'queued' WHERE state = 'running'");
}

export function listJobs(lib: OpenLibrary, limit = 100): JobSummary[] {
	return lib.sql
		.json<Omit<JobSummary, 'progress' | 'error'> & { progress: string; error: string | null }>(
			`SELECT json_group_array(json_object('id', j.uuid, 'kind', j.kind, 'locationId', l.uuid,
				'locationName', l.name, 'state', j.state, 'progress', j.progress, 'error', j.error,
				'problemCount', j.problem_count, 'createdAt', j.created_at, 'startedAt', j.started_at,
				'finishedAt', j.finished_at) ORDER BY j.created_at DESC, j.id DESC)
			FROM (SELECT * FROM job ORDER BY created_at DESC, id DESC LIMIT ?) j LEFT JOIN location l ON l.id = j.location_id`,
			[limit]
		)
		.map((j) => ({
			...j,
			progress: { ...EMPTY_PROGRESS, ...(JSON.parse(j.progress) as Partial<JobProgress>) },
			error: j.error ? (JSON.parse(j.error) as SerializedError) : null
		}));
}

export function jobProblems(lib: OpenLibrary, id: JobId, limit = 500): JobProblem[] {
	return lib.sql.all<JobProblem>(
		'SELECT p.path, p.code, p.message FROM job_problem p JOIN job j ON j.id = p.job_id WHERE j.uuid = ? ORDER BY p.rowid LIMIT ?',
		[id, limit]
	);
}
