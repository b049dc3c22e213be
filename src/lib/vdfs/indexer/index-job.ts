import type { JobProgress, LocationKind } from '../api';
import type { FileSource } from '../fs/source';
import type { LocationId } from '../ids';
import * as jobs from '../jobs/jobs';
import { rateAndEta, type JobContext, type JobHandler } from '../jobs/runner';
import type { OpenLibrary } from '../library/library';
import type { WatchPlan } from '../watch/watches';
import { indexLocation, type IndexCheckpoint, type IndexProgress } from './indexer';
import { parseRules } from './rules';

/** Finds the files of a location (the worker reads handles from IndexedDB; tests use memory). */
export type SourceResolver = (location: { id: LocationId; kind: LocationKind }) => Promise<FileSource>;

/** What watches of locations tell index jobs, and learn from them (see Watches). */
export interface JobWatchHooks {
	beginJob(id: LocationId): WatchPlan | null;
	endJob(id: LocationId, complete: boolean, covered: boolean): void;
}

/** How an index job ended, for what follows it (content ids for what it found). */
export type IndexFinished = (lib: OpenLibrary, row: jobs.JobRow, result: { written: number }) => void;

/** Index and rescan jobs: walk a location and bring its index up to date (see indexLocation). */
export class IndexJob implements JobHandler {
	constructor(
		private readonly sources: SourceResolver,
		private readonly watches: JobWatchHooks | null,
		private readonly onDone: IndexFinished
	) {}

	async run({ lib, row, signal, progress, problem, checkpoint, emit }: JobContext): Promise<void> {
		const started = Date.now();
		let source: FileSource | undefined;
		let watched: LocationId | undefined;
		let complete = false;
		let covered = false;
		try {
			const location = jobs.jobLocation(lib, row);
			watched = location.uuid;
			const plan = this.watches?.beginJob(location.uuid) ?? null;
			source = await this.sources({ id: location.uuid, kind: location.kind });
			const resumeFrom = row.checkpoint ? (JSON.parse(row.checkpoint) as IndexCheckpoint) : undefined;
			const params = JSON.parse(row.params || '{}') as jobs.IndexParams;
			const scoped = Boolean(params.changes && plan && !params.full);
			covered = plan !== null && !scoped && !resumeFrom;
			const result = await indexLocation(lib, location.uuid, source, {
				rules: parseRules(location.rules),
				// A live update walks what the watch saw change; a rescan leans on an unbroken
				// watch for the rest unless asked for a full one. Without a watch, all is read.
				scope: scoped && plan ? [...plan.dirty] : undefined,
				trust: plan?.trusted && !params.full ? plan.dirty : undefined,
				// Folders changed since the checkpoint was written are walked again.
				recheck: resumeFrom && plan ? [...plan.dirty] : undefined,
				signal,
				resumeFrom,
				onProblem: problem,
				onProgress: (p) => progress(toJobProgress(p, started)),
				onCheckpoint: (cp) => {
					checkpoint(cp);
					emit({ topic: 'entry', library: lib.id });
				}
			});
			complete = true;
			emit({ topic: 'location', library: lib.id, ids: [location.uuid] });
			emit({ topic: 'entry', library: lib.id });
			this.onDone(lib, row, { written: result.written });
		} finally {
			source?.close?.();
			if (watched) this.watches?.endJob(watched, complete, covered);
		}
	}
}

function toJobProgress(p: IndexProgress, started: number): JobProgress {
	const total = p.dirsDone + p.dirsQueued;
	return {
		phase: p.phase,
		done: p.dirsDone,
		total,
		files: p.files,
		bytes: p.bytes,
		written: p.written,
		currentPath: p.currentPath,
		...rateAndEta(p.files, p.dirsDone, total, started)
	};
}
