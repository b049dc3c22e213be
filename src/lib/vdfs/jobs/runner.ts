import type { JobKind, JobProblem, JobProgress, JobQuestion } from '../api';
import { VdfsError, serializeError, toVdfsError } from '../errors';
import type { ChangeEvent } from '../events';
import type { JobId } from '../ids';
import type { OpenLibrary } from '../library/library';
import * as jobs from './jobs';

/** What a job kind's code gets to do while it runs. */
export interface JobContext {
	lib: OpenLibrary;
	row: jobs.JobRow;
	signal: AbortSignal;
	/** Live progress: kept in memory, written to the job row and announced now and then. */
	progress(progress: JobProgress): void;
	/** A file the job met trouble with and went past. */
	problem(problem: JobProblem): void;
	/** Where a resumed job picks up; written with the latest progress and the problems so far. */
	checkpoint(checkpoint: unknown): void;
	emit(event: ChangeEvent): void;
}

/** One kind of job. `run` returns when the job is done and throws when it fails or is stopped. */
export interface JobHandler {
	run(ctx: JobContext): Promise<void>;
	/** Told how a job ended (after its row says so): e.g. an index job queues content ids. */
	finished?(lib: OpenLibrary, row: jobs.JobRow, state: 'done' | 'failed' | 'cancelled' | 'paused' | 'queued'): void;
}

/**
 * Jobs of one lane run one at a time, lanes side by side: a long identify job does not hold up
 * the live update of a folder, and a checksum the user asked for does not wait behind either.
 */
const LANES: Record<JobKind, string> = {
	index: 'index',
	identify: 'content',
	media: 'content',
	checksum: 'checksum',
	// File operations share the index lane: one at a time (two picking a free name at once could
	// both take it), and never beside a walk, which could see a folder half moved and drop the
	// rows (and ids) of files the operation is about to carry over.
	copy: 'index',
	move: 'index',
	trash: 'index',
	delete: 'index',
	restore: 'index',
	'empty-trash': 'index'
};

/**
 * Thrown by a job that cannot go on without the user (a name taken, a file failed): the job
 * pauses with the question in its progress, and an answer (CoreApi.answerJob) resumes it.
 */
export class JobWaiting extends Error {
	constructor(readonly question: JobQuestion) {
		super('Waiting for an answer.');
	}
}

/** How often progress is written to the job row and announced to the UI. */
const SAVE_EVERY_MS = 500;
const EMIT_EVERY_MS = 250;

interface Active {
	id: JobId;
	lane: string;
	/** The latest progress, ahead of what is saved in the job row. */
	progress: JobProgress | null;
	controller: AbortController;
	/** What the job becomes when it stops because it was asked to. */
	stopAs: 'paused' | 'cancelled' | 'queued';
	done: Promise<void>;
}

/**
 * Runs the current library's jobs in the background: between their awaits (file system reads,
 * hashing) API calls run, and each of their writes is one short transaction.
 */
export class JobRunner {
	#active = new Map<string, Active>();
	#held = 0;

	constructor(
		private readonly library: () => OpenLibrary | null,
		private readonly handlers: Record<JobKind, JobHandler>,
		private readonly emit: (event: ChangeEvent) => void
	) {}

	/** After a library opens: jobs a reload interrupted go back to the queue and the next start. */
	resumeAfterOpen(): void {
		const lib = this.library();
		if (lib && jobs.requeueInterrupted(lib) > 0) this.emit({ topic: 'job', library: lib.id });
		this.kick();
	}

	/** Starts the next queued job of each idle lane, unless jobs are held. */
	kick(): void {
		if (this.#held > 0) return;
		const lib = this.library();
		if (!lib) return;
		for (const lane of new Set(Object.values(LANES))) {
			if (this.#active.has(lane)) continue;
			const kinds = (Object.keys(LANES) as JobKind[]).filter((k) => LANES[k] === lane);
			const row = jobs.nextQueued(lib, kinds);
			if (!row) continue;
			const active: Active = {
				id: row.uuid,
				lane,
				progress: null,
				controller: new AbortController(),
				stopAs: 'queued',
				done: Promise.resolve()
			};
			this.#active.set(lane, active);
			active.done = this.#run(lib, row, active).finally(() => {
				this.#active.delete(lane);
				this.kick();
			});
		}
	}

	/** Live progress of the running jobs (the job rows are written at most every SAVE_EVERY_MS). */
	live(): Map<JobId, JobProgress> {
		const live = new Map<JobId, JobProgress>();
		for (const active of this.#active.values()) if (active.progress) live.set(active.id, active.progress);
		return live;
	}

	/** Stops the running jobs (they go back to the queue) and keeps new ones from starting. */
	async hold(): Promise<void> {
		this.#held++;
		await Promise.all([...this.#active.values()].map((a) => this.#stop(a.id, 'queued')));
	}

	/** Lets jobs run again; jobs of a library opened meanwhile that a crash left 'running' requeue. */
	release(): void {
		this.#held = Math.max(0, this.#held - 1);
		if (this.#held === 0 && this.#active.size === 0) this.resumeAfterOpen();
		else this.kick();
	}

	async pause(id: JobId): Promise<void> {
		const lib = this.#require();
		const row = this.#row(lib, id);
		if (row.state === 'queued') jobs.setState(lib, id, 'paused');
		else if (row.state === 'running') await this.#stop(id, 'paused');
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
	}

	resume(id: JobId): void {
		const lib = this.#require();
		const row = this.#row(lib, id);
		if (row.state !== 'paused' && row.state !== 'failed') {
			throw new VdfsError('InvalidInput', `This job is ${row.state}; only a paused or failed job can be resumed.`);
		}
		jobs.setState(lib, id, 'queued');
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
		this.kick();
	}

	async cancel(id: JobId): Promise<void> {
		const lib = this.#require();
		const row = this.#row(lib, id);
		if (row.state === 'running') await this.#stop(id, 'cancelled');
		else if (row.state === 'queued' || row.state === 'paused') {
			jobs.setState(lib, id, 'cancelled');
			this.handlers[row.kind].finished?.(lib, row, 'cancelled');
		}
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
	}

	async #stop(id: JobId, as: Active['stopAs']): Promise<void> {
		const active = [...this.#active.values()].find((a) => a.id === id);
		if (!active) return;
		active.stopAs = as;
		active.controller.abort();
		await active.done;
	}

	async #run(lib: OpenLibrary, row: jobs.JobRow, active: Active): Promise<void> {
		const { id } = active;
		const signal = active.controller.signal;
		const handler = this.handlers[row.kind];
		jobs.setState(lib, id, 'running');
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
		const problems: JobProblem[] = [];
		const flushProblems = () => jobs.addProblems(lib, id, problems.splice(0));
		let lastSave = 0;
		let lastEmit = 0;
		let progress: JobProgress = { ...jobs.EMPTY_PROGRESS, phase: 'starting' };
		let ended: 'done' | 'failed' | 'cancelled' | 'paused' | 'queued';
		try {
			if (!handler) throw new VdfsError('InvalidInput', `This version of Orrery cannot run “${row.kind}” jobs.`);
			await handler.run({
				lib,
				row,
				signal,
				emit: this.emit,
				problem: (p) => problems.push(p),
				progress: (p) => {
					progress = p;
					active.progress = p;
					const now = Date.now();
					if (now - lastSave >= SAVE_EVERY_MS) {
						lastSave = now;
						jobs.saveProgress(lib, id, p);
					}
					if (now - lastEmit >= EMIT_EVERY_MS) {
						lastEmit = now;
						this.emit({ topic: 'job', library: lib.id, ids: [id] });
					}
				},
				checkpoint: (checkpoint) => {
					flushProblems();
					jobs.saveProgress(lib, id, progress, checkpoint);
				}
			});
			flushProblems();
			jobs.saveProgress(lib, id, { ...progress, phase: 'done', eta: 0 }, null);
			jobs.setState(lib, id, 'done');
			ended = 'done';
		} catch (e) {
			flushProblems();
			if (e instanceof JobWaiting && !signal.aborted) {
				jobs.saveProgress(lib, id, { ...progress, phase: 'waiting', question: e.question, rate: 0, eta: null });
				jobs.setState(lib, id, 'paused');
				ended = 'paused';
			} else if (signal.aborted) {
				jobs.saveProgress(lib, id, { ...progress, phase: active.stopAs });
				jobs.setState(lib, id, active.stopAs);
				ended = active.stopAs;
			} else {
				jobs.saveProgress(lib, id, { ...progress, phase: 'failed' });
				jobs.setState(lib, id, 'failed', serializeError(toVdfsError(e)));
				ended = 'failed';
			}
		}
		handler?.finished?.(lib, row, ended);
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
	}

	#require(): OpenLibrary {
		const lib = this.library();
		if (!lib) throw new VdfsError('NotFound', 'No library is open.');
		return lib;
	}

	#row(lib: OpenLibrary, id: JobId): jobs.JobRow {
		const row = jobs.jobRow(lib, id);
		if (!row) throw new VdfsError('NotFound', 'That job no longer exists.');
		return row;
	}
}

/** Files per second and seconds left, from units done of a total since `started`. */
export function rateAndEta(
	files: number,
	done: number,
	total: number,
	started: number,
	minDone = 10
): { rate: number; eta: number | null } {
	const seconds = Math.max(0.001, (Date.now() - started) / 1000);
	const eta = done >= minDone && total > 0 ? Math.round((seconds * Math.max(0, total - done)) / done) : null;
	return { rate: Math.round(files / seconds), eta };
}
