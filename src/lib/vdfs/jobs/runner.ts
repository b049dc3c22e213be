import type { JobProblem, JobProgress, LocationKind } from '../api';
import { VdfsError, serializeError, toVdfsError } from '../errors';
import type { ChangeEvent } from '../events';
import type { FileSource } from '../fs/source';
import type { JobId, LocationId } from '../ids';
import { indexLocation, type IndexCheckpoint, type IndexProgress } from '../indexer/indexer';
import { parseRules } from '../indexer/rules';
import type { OpenLibrary } from '../library/library';
import type { WatchPlan } from '../watch/watches';
import * as jobs from './jobs';

/** Finds the files of a location for a walk (the worker reads handles from IndexedDB; tests use memory). */
export type SourceResolver = (location: { id: LocationId; kind: LocationKind }) => Promise<FileSource>;

/** What watches of locations tell index jobs, and learn from them (see Watches). */
export interface JobWatchHooks {
	beginJob(id: LocationId): WatchPlan | null;
	endJob(id: LocationId, complete: boolean, covered: boolean): void;
}

/** How often progress is written to the job row and announced to the UI. */
const SAVE_EVERY_MS = 500;
const EMIT_EVERY_MS = 250;

interface Active {
	id: JobId;
	/** The latest progress, ahead of what is saved in the job row. */
	progress: JobProgress | null;
	controller: AbortController;
	/** What the job becomes when it stops because it was asked to. */
	stopAs: 'paused' | 'cancelled' | 'queued';
	done: Promise<void>;
}

/**
 * Runs the current library's jobs one at a time, in the background: between its awaits (file
 * system reads) API calls run, and each of its writes is one short transaction.
 */
export class JobRunner {
	#active: Active | null = null;
	#held = 0;

	constructor(
		private readonly library: () => OpenLibrary | null,
		private readonly sources: SourceResolver,
		private readonly emit: (event: ChangeEvent) => void,
		private readonly watches: JobWatchHooks | null = null
	) {}

	/** After a library opens: jobs a reload interrupted go back to the queue and the next starts. */
	resumeAfterOpen(): void {
		const lib = this.library();
		if (lib && jobs.requeueInterrupted(lib) > 0) this.emit({ topic: 'job', library: lib.id });
		this.kick();
	}

	/** Starts the next queued job unless one runs or jobs are held. */
	kick(): void {
		if (this.#active || this.#held > 0) return;
		const lib = this.library();
		const row = lib && jobs.nextQueued(lib);
		if (!lib || !row) return;
		const active: Active = {
			id: row.uuid,
			progress: null,
			controller: new AbortController(),
			stopAs: 'queued',
			done: Promise.resolve()
		};
		this.#active = active;
		active.done = this.#run(lib, row, active).finally(() => {
			this.#active = null;
			this.kick();
		});
	}

	/** The running job's live progress (the job row is written at most every SAVE_EVERY_MS). */
	live(): { id: JobId; progress: JobProgress } | null {
		const active = this.#active;
		return active?.progress ? { id: active.id, progress: active.progress } : null;
	}

	/** Stops the running job (it goes back to the queue) and keeps new ones from starting. */
	async hold(): Promise<void> {
		this.#held++;
		await this.#stop(this.#active?.id, 'queued');
	}

	/** Lets jobs run again; jobs of a library opened meanwhile that a crash left 'running' requeue. */
	release(): void {
		this.#held = Math.max(0, this.#held - 1);
		if (this.#held === 0 && !this.#active) this.resumeAfterOpen();
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
		else if (row.state === 'queued' || row.state === 'paused') jobs.setState(lib, id, 'cancelled');
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
	}

	async #stop(id: JobId | undefined, as: Active['stopAs']): Promise<void> {
		const active = this.#active;
		if (!active || active.id !== id) return;
		active.stopAs = as;
		active.controller.abort();
		await active.done;
	}

	async #run(lib: OpenLibrary, row: jobs.JobRow, active: Active): Promise<void> {
		const { id } = active;
		const signal = active.controller.signal;
		jobs.setState(lib, id, 'running');
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
		const problems: JobProblem[] = [];
		const flushProblems = () => jobs.addProblems(lib, id, problems.splice(0));
		const started = Date.now();
		let lastSave = 0;
		let lastEmit = 0;
		let progress: JobProgress = { ...jobs.EMPTY_PROGRESS, phase: 'starting' };
		let source: FileSource | undefined;
		let watched: LocationId | undefined;
		let complete = false;
		let covered = false;
		try {
			const location = lib.sql.get<{ uuid: LocationId; kind: LocationKind; rules: string }>(
				'SELECT uuid, kind, rules FROM location WHERE id = ?',
				[row.location_id ?? 0]
			);
			if (!location) throw new VdfsError('NotFound', 'The location of this job was removed.');
			watched = location.uuid;
			const plan = this.watches?.beginJob(location.uuid) ?? null;
			source = await this.sources({ id: location.uuid, kind: location.kind });
			const resumeFrom = row.checkpoint ? (JSON.parse(row.checkpoint) as IndexCheckpoint) : undefined;
			const params = JSON.parse(row.params || '{}') as jobs.IndexParams;
			const scoped = Boolean(params.changes && plan && !params.full);
			covered = plan !== null && !scoped && !resumeFrom;
			await indexLocation(lib, location.uuid, source, {
				rules: parseRules(location.rules),
				// A live update walks what the watch saw change; a rescan leans on an unbroken
				// watch for the rest unless asked for a full one. Without a watch, all is read.
				scope: scoped && plan ? [...plan.dirty] : undefined,
				trust: plan?.trusted && !params.full ? plan.dirty : undefined,
				// Folders changed since the checkpoint was written are walked again.
				recheck: resumeFrom && plan ? [...plan.dirty] : undefined,
				signal,
				resumeFrom,
				onProblem: (p) => problems.push(p),
				onProgress: (p) => {
					progress = toJobProgress(p, started);
					active.progress = progress;
					const now = Date.now();
					if (now - lastSave >= SAVE_EVERY_MS) {
						lastSave = now;
						jobs.saveProgress(lib, id, progress);
					}
					if (now - lastEmit >= EMIT_EVERY_MS) {
						lastEmit = now;
						this.emit({ topic: 'job', library: lib.id, ids: [id] });
					}
				},
				onCheckpoint: (checkpoint) => {
					flushProblems();
					jobs.saveProgress(lib, id, progress, checkpoint);
					this.emit({ topic: 'entry', library: lib.id });
				}
			});
			flushProblems();
			jobs.saveProgress(lib, id, { ...progress, phase: 'done', eta: 0 }, null);
			jobs.setState(lib, id, 'done');
			complete = true;
			this.emit({ topic: 'location', library: lib.id, ids: [location.uuid] });
			this.emit({ topic: 'entry', library: lib.id });
		} catch (e) {
			flushProblems();
			if (signal.aborted) {
				jobs.saveProgress(lib, id, { ...progress, phase: active.stopAs });
				jobs.setState(lib, id, active.stopAs);
			} else {
				jobs.saveProgress(lib, id, { ...progress, phase: 'failed' });
				jobs.setState(lib, id, 'failed', serializeError(toVdfsError(e)));
			}
		} finally {
			source?.close?.();
			if (watched) this.watches?.endJob(watched, complete, covered);
		}
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

function toJobProgress(p: IndexProgress, started: number): JobProgress {
	const seconds = Math.max(0.001, (Date.now() - started) / 1000);
	const total = p.dirsDone + p.dirsQueued;
	const eta = p.dirsDone >= 10 && total > 0 ? Math.round((seconds * (total - p.dirsDone)) / p.dirsDone) : null;
	return {
		phase: p.phase,
		done: p.dirsDone,
		total,
		files: p.files,
		bytes: p.bytes,
		written: p.written,
		currentPath: p.currentPath,
		rate: Math.round(p.files / seconds),
		eta
	};
}
