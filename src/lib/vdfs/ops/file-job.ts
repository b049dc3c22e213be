import type { FileRef, JobAnswer, JobProgress, JobQuestion, LocationKind } from '../api';
import { VdfsError, serializeError, toVdfsError } from '../errors';
import type { FileSource } from '../fs/source';
import { newId, type JobId, type LocationId, type TrashId } from '../ids';
import * as jobs from '../jobs/jobs';
import { JobWaiting, rateAndEta, type JobContext, type JobHandler } from '../jobs/runner';
import type { OpenLibrary } from '../library/library';
import { locationRowId } from '../locations/locations';
import { childOf, dirAt, handleAt, moveHandle, moveTree, removeChild, writeError, writePartial } from './handles';
import {
	baseName,
	indexMoved,
	indexRestored,
	indexWritten,
	joinPath,
	parentPath,
	rowAt,
	subtreeRows,
	unindex,
	type SavedRow
} from './index-writes';
import { PARTIAL_PREFIX, TRASH_FOLDER, copyNames, numberedNames } from './names';
import {
	checkPair,
	emptyCheckpoint,
	expand,
	planTotals,
	statOf,
	within,
	type FileJobCheckpoint,
	type FileJobParams,
	type Listings,
	type Step
} from './plan';
import { addTrash, removeTrash, trashPath, trashRecord } from './trash';
import { plural, recordUndo } from './undo';

type Dir = FileSystemDirectoryHandle;
type Inflight = NonNullable<FileJobCheckpoint['inflight']>[number];

/**
 * A batch of files ends at whichever comes first: this many files, or this many bytes.
 * Small files share the two commits of a batch; a large file is a batch of its own.
 */
const BATCH_FILES = 200;
const BATCH_BYTES = 64 * 2 ** 20;
/** Files of a batch written at once. */
const WRITERS = 8;

/** What file operations reach files through (the core's location roots). */
export interface FileAccess {
	kind(location: LocationId): LocationKind;
	/** Reads and lists (any kind of location). */
	source(location: LocationId): Promise<FileSource>;
	/** The folder to write to, with permission to write; throws why not (read-only, revoked). */
	writable(location: LocationId): Promise<Dir>;
	/** The job writes in these locations (true) or is done there (false): live updates wait meanwhile. */
	busy(locations: ReadonlySet<LocationId>, on: boolean): void;
	/** After a job: folder totals, content ids for new files, and a rescan where the index could not follow. */
	settled(lib: OpenLibrary, touched: ReadonlySet<LocationId>, rescan: ReadonlySet<LocationId>): void;
}

const PHASES: Record<FileJobParams['op'], string> = {
	copy: 'copying',
	move: 'moving',
	trash: 'moving to trash',
	delete: 'deleting',
	restore: 'restoring',
	'empty-trash': 'emptying trash'
};

/** Runs copy, move, trash, delete, restore and empty-trash jobs (see plan.ts). */
export class FileJob implements JobHandler {
	constructor(private readonly access: FileAccess) {}

	async run(ctx: JobContext): Promise<void> {
		const run = new FileRun(this.access, ctx);
		await run.run();
	}

	/** A job cancelled (also while it waited on a question) leaves no working file behind. */
	finished(lib: OpenLibrary, row: jobs.JobRow, state: string): void {
		if (state !== 'cancelled') return;
		const current = jobs.jobRow(lib, row.uuid);
		const cp = current?.checkpoint ? (JSON.parse(current.checkpoint) as Partial<FileJobCheckpoint>) : null;
		const params = JSON.parse(current?.params || '{}') as FileJobParams;
		const inflight = (cp?.inflight ?? []).filter((i) => i.partial && i.to);
		if (inflight.length === 0) return;
		void (async () => {
			for (const entry of inflight) {
				const step = params.steps?.[entry.cursor];
				if (step?.t !== 'file' || !entry.partial || !entry.to) continue;
				const root = await this.access.writable(step.to.location);
				const dir = await dirAt(root, parentPath(entry.to));
				await removeChild(dir, entry.partial);
			}
		})().catch(() => {
			// A folder gone or access withdrawn: the working files are hidden names, never indexed.
		});
	}
}

class FileRun {
	readonly #lib: OpenLibrary;
	readonly #params: FileJobParams;
	readonly #cp: FileJobCheckpoint;
	readonly #sources = new Map<LocationId, Promise<FileSource>>();
	readonly #roots = new Map<LocationId, Promise<Dir>>();
	readonly #touched = new Set<LocationId>();
	readonly #rescan = new Set<LocationId>();
	#steps: Step[] = [];
	#totals = { files: 0, bytes: 0 };
	#started = Date.now();
	/** Bytes written by the batch in progress, not yet counted in the checkpoint. */
	#inFile = 0;
	/** The batch's working files, by step. */
	#partials = new Map<number, FileSystemFileHandle>();
	#dirs = new Map<string, Promise<Dir>>();
	#current = '';
	#lastReport = 0;

	constructor(
		private readonly access: FileAccess,
		private readonly ctx: JobContext
	) {
		this.#lib = ctx.lib;
		this.#params = JSON.parse(ctx.row.params || '{}') as FileJobParams;
		this.#cp = ctx.row.checkpoint
			? { ...emptyCheckpoint(), ...(JSON.parse(ctx.row.checkpoint) as Partial<FileJobCheckpoint>) }
			: emptyCheckpoint();
	}

	get #id(): JobId {
		return this.ctx.row.uuid;
	}

	async run(): Promise<void> {
		const { signal } = this.ctx;
		const busy = this.#locations();
		this.access.busy(busy, true);
		try {
			if (!this.#params.steps) {
				this.#report('planning', true);
				this.#params.steps = await this.#plan(signal);
				jobs.setParams(this.#lib, this.#id, this.#params);
			}
			this.#steps = this.#params.steps;
			this.#totals = planTotals(this.#steps);
			this.#report(PHASES[this.#params.op], true);
			while (this.#cp.cursor < this.#steps.length) {
				signal.throwIfAborted();
				const step = this.#steps[this.#cp.cursor];
				await this.#attempt(step, () =>
					this.#cp.inflight?.length ? this.#finish() : step.t === 'file' ? this.#fileBatch() : this.#step(step)
				);
				this.#report(PHASES[this.#params.op]);
			}
			this.#report(PHASES[this.#params.op], true);
			this.#recordUndo();
		} finally {
			this.access.busy(busy, false);
			if (this.#touched.size > 0 || this.#rescan.size > 0) this.access.settled(this.#lib, this.#touched, this.#rescan);
		}
	}

	/** Every location this job reads from or writes to. */
	#locations(): Set<LocationId> {
		const p = this.#params;
		const all = new Set<LocationId>();
		for (const { from, to } of p.pairs ?? []) all.add(from.location).add(to.location);
		for (const ref of p.refs ?? []) all.add(ref.location);
		for (const id of p.trashIds ?? []) {
			const record = trashRecord(this.#lib, id);
			if (record) all.add(record.location_uuid);
		}
		return all;
	}

	/** One step, and what the user chose where it failed or met a taken name: skip it, retry it, or ask. */
	async #attempt(step: Step, run: () => Promise<void>): Promise<void> {
		const preset = this.#params.answers?.[this.#cp.cursor];
		if (preset === 'skip' || preset === 'retry') {
			this.#takeAnswer(this.#cp.cursor);
			if (preset === 'skip') return this.#skip(this.#steps[this.#cp.cursor] ?? step);
		}
		try {
			await run();
		} catch (e) {
			if (e instanceof JobWaiting) {
				this.ctx.checkpoint(this.#cp);
				throw e;
			}
			if (this.ctx.signal.aborted) throw e;
			const error = toVdfsError(e);
			// A batch of files may have got past some before one failed: that one is at the cursor.
			const failed = this.#steps[this.#cp.cursor] ?? step;
			const source = this.#sourceOf(failed);
			if (this.#params.errorPolicy === 'skip') {
				this.ctx.problem({ path: source.path, code: error.code, message: error.message });
				return this.#skip(failed);
			}
			this.ctx.checkpoint(this.#cp);
			throw new JobWaiting({ kind: 'error', at: this.#cp.cursor, source, error: serializeError(error) });
		}
	}

	/** Past a step without doing it: a folder's contents are skipped with it, a working file removed. */
	async #skip(step: Step): Promise<void> {
		const to = 'to' in step ? this.#resolve(step.to) : null;
		if (to) this.#cp.skips.push(to.path);
		const cursor = this.#cp.cursor;
		const written = this.#cp.inflight?.find((i) => i.cursor === cursor);
		if (written?.partial && written.to && step.t === 'file') {
			const dir = await this.#dirOf(step.to.location, parentPath(written.to)).catch(() => null);
			if (dir) await removeChild(dir, written.partial).catch(() => {});
			this.#partials.delete(cursor);
		}
		const rest = this.#cp.inflight?.filter((i) => i.cursor !== cursor);
		this.#cp.inflight = rest?.length ? rest : undefined;
		this.#advance(step);
	}

	#sourceOf(step: Step): FileRef {
		if ('from' in step && step.from) return step.from;
		if (step.t === 'restore' || step.t === 'purge') {
			const record = trashRecord(this.#lib, step.id);
			if (record) return { location: record.location_uuid, path: record.path };
		}
		return { location: '' as LocationId, path: '' };
	}

	async #step(step: Step): Promise<void> {
		// Folders may move or go in the steps below: handles of the files' batches are not kept past them.
		this.#dirs.clear();
		switch (step.t) {
			case 'dir':
				return this.#dir(step);
			case 'file':
				return this.#fileBatch();
			case 'mv':
				return this.#mv(step);
			case 'rmdir':
				return this.#rmdir(step);
			case 'rm':
				return this.#rm(step);
			case 'trash':
				return this.#trash(step);
			case 'restore':
				return this.#restore(step);
			case 'purge':
				return this.#purge(step);
		}
	}

	// ---- planning

	async #plan(signal: AbortSignal): Promise<Step[]> {
		const p = this.#params;
		const steps: Step[] = [];
		if (p.op === 'copy' || p.op === 'move') {
			const listings = new Map<LocationId, Listings>();
			for (const { from, to } of p.pairs ?? []) {
				signal.throwIfAborted();
				checkPair(from, to);
				if (p.op === 'move' && from.location === to.location && from.path === to.path) continue;
				const source = await this.#source(from.location);
				const cache = listings.get(from.location) ?? new Map();
				listings.set(from.location, cache);
				try {
					if (p.op === 'move' && this.#movesInOne(from.location, to.location)) {
						const stat = await statOf(source, cache, from.path);
						const row = rowAt(this.#lib, this.#locId(from.location), from.path);
						const files = stat.isDir ? (row ? this.#fileCount(row.id) : 0) : 1;
						steps.push({ t: 'mv', from, to, isDir: stat.isDir, size: row?.size ?? stat.size, files });
					} else {
						steps.push(...(await expand(source, cache, from, to, p.op === 'move', signal)));
					}
				} catch (e) {
					const error = toVdfsError(e);
					if (error.code !== 'NotFound') throw e;
					this.ctx.problem({ path: from.path, code: error.code, message: error.message });
				}
			}
		} else if (p.op === 'trash' || p.op === 'delete') {
			for (const from of p.refs ?? []) {
				if (from.path === '')
					throw new VdfsError('InvalidInput', 'A whole location cannot be deleted here; remove the location instead.');
				steps.push(p.op === 'trash' ? { t: 'trash', from, id: newId<TrashId>() } : { t: 'rm', from });
			}
		} else {
			for (const id of p.trashIds ?? []) steps.push({ t: p.op === 'restore' ? 'restore' : 'purge', id });
		}
		return steps;
	}

	#fileCount(rowId: number): number {
		return this.#lib.sql.value<number>('SELECT file_count FROM entry WHERE id = ?', [rowId]) ?? 0;
	}

	/** One platform call moves it: within one location, or between two in the private file system. */
	#movesInOne(a: LocationId, b: LocationId): boolean {
		const kind = this.access.kind(a);
		return kind !== 'snapshot' && (a === b || (kind === 'opfs' && this.access.kind(b) === 'opfs'));
	}

	// ---- steps

	async #dir(step: Extract<Step, { t: 'dir' }>): Promise<void> {
		const to = this.#resolve(step.to);
		if (!to) return this.#advance(step);
		this.#current = to.path;
		const parent = await dirAt(await this.#root(to.location), parentPath(to.path));
		const placed = await this.#place(step, parent, to, true);
		if (placed === 'skip') return this.#advance(step);
		if (placed !== 'merge') {
			if (placed.replace) await removeChild(parent, placed.name);
			try {
				await parent.getDirectoryHandle(placed.name, { create: true });
			} catch (e) {
				throw writeError(e, placed.name);
			}
		}
		const final = placed === 'merge' ? to : { location: to.location, path: joinPath(parentPath(to.path), placed.name) };
		this.#lib.sql.tx(() => {
			if (placed !== 'merge' && placed.replace) unindex(this.#lib, this.#locId(to.location), final.path);
			this.#indexed(
				to.location,
				indexWritten(this.#lib, this.#locId(to.location), final.path, { isDir: true, size: 0, mtime: 0 })
			);
			if (step.top && step.from) this.#cp.done.push([step.from, final]);
			this.#advance(step);
		});
	}

	/**
	 * Files are copied in batches: each written whole under a working name, then one commit
	 * records where each goes, then each gets its name, then one commit holds their index rows
	 * and the new cursor. Two commits a batch instead of two a file: each commit on OPFS waits
	 * behind the file writes in the browser's storage queue. A reload between the commits
	 * finishes the batch from the record (#finish); one before the first writes it again.
	 */
	async #fileBatch(): Promise<void> {
		const claimed = new Set<string>();
		const picked: { step: Extract<Step, { t: 'file' }>; at: number }[] = [];
		let bytes = 0;
		for (let at = this.#cp.cursor; at < this.#steps.length; at++) {
			const step = this.#steps[at];
			if (step.t !== 'file' || (at > this.#cp.cursor && this.#params.answers?.[at] !== undefined)) break;
			if (picked.length >= BATCH_FILES || bytes >= BATCH_BYTES) break;
			// Two files of a batch bound for one name (two items of the same name, or names that
			// differ in case only, which many disks take as one): the second waits for the next
			// batch, where the first is on disk and its name is taken the usual way.
			const bound = this.#resolve(step.to);
			const key = bound && `${bound.location}/${bound.path}`.toLowerCase();
			if (key && claimed.has(key)) break;
			if (key) claimed.add(key);
			picked.push({ step, at });
			bytes += step.size;
		}
		// Written WRITERS at a time: each file is a few round trips to the browser process (look
		// up, create, write, close), which overlap (bench copy, 1,000 files of 1–64 KiB: one at a
		// time was 0.63 of the bare API's sequential copy).
		const results: ({ ok: Inflight } | { error: unknown })[] = [];
		let next = 0;
		let stop = picked.length;
		const writer = async () => {
			while (next < stop) {
				const i = next++;
				try {
					results[i] = { ok: await this.#prepare(picked[i].step, picked[i].at, claimed) };
				} catch (error) {
					results[i] = { error };
					stop = Math.min(stop, i + 1);
				}
			}
		};
		await Promise.all(Array.from({ length: WRITERS }, writer));
		// The batch is the files written before the first that failed: that one's trouble is
		// its own when it comes first; those after it are written again in their turn.
		const batch: Inflight[] = [];
		for (const result of results) {
			if (!result || 'error' in result) break;
			batch.push(result.ok);
		}
		if (batch.length === 0) throw (results[0] as { error: unknown }).error;
		for (const result of results.slice(batch.length)) {
			const entry = result && 'ok' in result ? result.ok : undefined;
			if (!entry?.partial || !entry.to) continue;
			const step = this.#steps[entry.cursor] as Extract<Step, { t: 'file' }>;
			const dir = await this.#dirOf(step.to.location, parentPath(entry.to));
			await removeChild(dir, entry.partial).catch(() => {});
			this.#partials.delete(entry.cursor);
		}
		this.#cp.inflight = batch;
		this.ctx.checkpoint(this.#cp);
		await this.#finish();
	}

	/** Writes one file of a batch under its working name; or says it is skipped. */
	async #prepare(step: Extract<Step, { t: 'file' }>, at: number, claimed: Set<string>): Promise<Inflight> {
		const to = this.#resolve(step.to);
		if (!to) return { cursor: at, skip: true };
		this.#current = step.from.path;
		const dir = await this.#dirOf(to.location, parentPath(to.path));
		const placed = await this.#place(step, dir, to, false, at, claimed);
		if (placed === 'skip' || placed === 'merge') return { cursor: at, skip: true };
		const file = await (await this.#source(step.from.location)).file(step.from.path);
		const partial = `${PARTIAL_PREFIX}${this.#id.slice(-12)}-${at}`;
		const handle = await writePartial(file, dir, partial, {
			signal: this.ctx.signal,
			onBytes: (n) => {
				this.#inFile += n;
				this.#report(PHASES[this.#params.op]);
			}
		});
		this.#partials.set(at, handle);
		const final = joinPath(parentPath(to.path), placed.name);
		claimed.add(final);
		claimed.add(`${to.location}/${final}`.toLowerCase());
		return {
			cursor: at,
			partial,
			to: final,
			sourceMtime: file.lastModified,
			...(placed.replace ? { replace: true as const } : {})
		};
	}

	/** Gives the batch's files their names (and removes a move's sources), then indexes them in one commit. */
	async #finish(): Promise<void> {
		const list = this.#cp.inflight ?? [];
		const finished: { entry: Inflight; written?: File }[] = [];
		let failure: unknown;
		for (const entry of list) {
			const step = this.#steps[entry.cursor];
			if (entry.skip || !entry.to || !entry.partial || step.t !== 'file') {
				finished.push({ entry });
				continue;
			}
			try {
				const dir = await this.#dirOf(step.to.location, parentPath(entry.to));
				// After a reload the handles are gone: the working file is found by its name.
				const partial = this.#partials.get(entry.cursor) ?? (await childOf(dir, entry.partial));
				let written: File;
				if (partial) {
					// The name was free when chosen; a whole batch was written since, and other apps
					// write in picked folders. Taken now, it is asked about again: move() would replace
					// it. (One call a file; a listing per batch missed what came during the batch.)
					const taken = !entry.replace && (await childOf(dir, baseName(entry.to)));
					if (taken) {
						const settled = await this.#takenSince(step, entry, dir);
						if (settled === 'skip') {
							await removeChild(dir, entry.partial);
							this.#partials.delete(entry.cursor);
							this.#cp.skips.push(entry.to);
							finished.push({ entry: { cursor: entry.cursor, skip: true } });
							continue;
						}
					}
					const name = baseName(entry.to);
					if (entry.replace) await removeChild(dir, name);
					if (!(await moveHandle(partial, dir, name))) throw cannotRename(name);
					written = await (partial as FileSystemFileHandle).getFile();
				} else {
					written = await (await dir.getFileHandle(baseName(entry.to))).getFile();
				}
				this.#partials.delete(entry.cursor);
				if (step.move) {
					const fromDir = await this.#dirOf(step.from.location, parentPath(step.from.path));
					await removeChild(fromDir, baseName(step.from.path));
				}
				finished.push({ entry, written });
			} catch (e) {
				failure = e;
				break;
			}
		}
		this.#lib.sql.tx(() => {
			for (const { entry, written } of finished) {
				const step = this.#steps[entry.cursor];
				if (step.t === 'file' && written && entry.to) this.#indexFile(step, entry, written);
				this.#advance(step, false);
			}
			const rest = list.slice(finished.length);
			this.#cp.inflight = rest.length > 0 ? rest : undefined;
			// Bytes written by the batch are in the checkpoint now (or written again, for files not done).
			this.#inFile = 0;
			this.ctx.checkpoint(this.#cp);
		});
		if (failure !== undefined) throw failure;
	}

	/**
	 * A batch's file whose name was taken while the batch was written: replace or keep both as
	 * answered or as the job's policy says (the entry changes accordingly), skip, or ask.
	 */
	async #takenSince(step: Extract<Step, { t: 'file' }>, entry: Inflight, dir: Dir): Promise<'go' | 'skip'> {
		const to = entry.to ?? '';
		const answer = this.#takeAnswer(entry.cursor);
		const choice = answer === 'replace' || answer === 'keep-both' || answer === 'skip' ? answer : this.#params.policy;
		const existing = await childOf(dir, baseName(to));
		if (!existing) return 'go';
		const clash = existing.kind === 'directory';
		if (choice === 'skip') return 'skip';
		if (choice === 'keep-both') {
			const others = new Set((this.#cp.inflight ?? []).map((i) => i.to && baseName(i.to)));
			for (const candidate of numberedNames(baseName(to), false)) {
				if (others.has(candidate) || (await childOf(dir, candidate))) continue;
				entry.to = joinPath(parentPath(to), candidate);
				return 'go';
			}
		}
		// A file never replaces a folder unasked (a policy of "replace" is for like kinds).
		if (choice === 'replace' && (!clash || answer === 'replace')) {
			entry.replace = true;
			return 'go';
		}
		throw new JobWaiting(
			await this.#conflict(step, existing, { location: step.to.location, path: to }, false, entry.cursor)
		);
	}

	#indexFile(step: Extract<Step, { t: 'file' }>, entry: Inflight, written: File): void {
		const path = entry.to ?? '';
		const toLoc = this.#locId(step.to.location);
		const fromLoc = this.#locId(step.from.location);
		let ok: boolean;
		if (step.move) {
			ok = indexMoved(
				this.#lib,
				{ locId: fromLoc, path: step.from.path },
				{ locId: toLoc, path },
				written.lastModified
			);
			this.#touched.add(step.from.location);
		} else {
			// The source's content id holds for the copy if the file read was the one it was taken of.
			const source = rowAt(this.#lib, fromLoc, step.from.path);
			const same =
				source &&
				!source.is_dir &&
				source.size === written.size &&
				(entry.sourceMtime === undefined || source.mtime === entry.sourceMtime);
			ok = indexWritten(this.#lib, toLoc, path, {
				isDir: false,
				size: written.size,
				mtime: written.lastModified,
				casId: same ? source.cas_id : null,
				fullHash: same ? source.full_hash : null
			});
		}
		this.#indexed(step.to.location, ok);
		if (step.top) this.#cp.done.push([step.from, { location: step.to.location, path }]);
	}

	/** A folder's handle for a batch of files (kept until a step that may move folders). */
	#dirOf(location: LocationId, path: string): Promise<Dir> {
		const key = `${location}\n${path}`;
		let dir = this.#dirs.get(key);
		if (!dir) {
			dir = this.#root(location).then((root) => dirAt(root, path));
			this.#dirs.set(key, dir);
			dir.catch(() => this.#dirs.delete(key));
		}
		return dir;
	}

	async #mv(step: Extract<Step, { t: 'mv' }>): Promise<void> {
		const to = this.#resolve(step.to);
		if (!to) return this.#advance(step);
		this.#current = step.from.path;
		const root = await this.#root(step.from.location);
		const handle = await handleAt(root, step.from.path);
		const parent = await dirAt(await this.#root(to.location), parentPath(to.path));
		const resumed = this.#cp.moving?.cursor === this.#cp.cursor ? this.#cp.moving : undefined;
		let final: FileRef;
		if (resumed) {
			final = { location: to.location, path: resumed.to };
		} else {
			if (!handle)
				throw new VdfsError('NotFound', `“${step.from.path}” is gone (moved or deleted).`, { path: step.from.path });
			const placed = await this.#place(step, parent, to, step.isDir, this.#cp.cursor, new Set(), true);
			if (placed === 'skip') return this.#advance(step);
			if (placed === 'merge') return this.#expandHere(step, to, true);
			if (placed.name !== baseName(to.path)) this.#cp.remap.push([to.path, joinPath(parentPath(to.path), placed.name)]);
			final = { location: to.location, path: joinPath(parentPath(to.path), placed.name) };
			if (placed.replace) {
				await removeChild(parent, placed.name);
				this.#lib.sql.tx(() => unindex(this.#lib, this.#locId(to.location), final.path));
			}
			this.#cp.moving = { cursor: this.#cp.cursor, to: final.path };
			this.ctx.checkpoint(this.#cp);
		}
		if (handle) {
			const from = await dirAt(root, parentPath(step.from.path));
			// Stopped partway (a file locked, permission lost), part of the folder has moved: both
			// places are walked again after the job, whatever the user chooses next.
			const moved = await moveTree(handle, from, parent, baseName(final.path), this.ctx.signal).catch((e: unknown) => {
				this.#rescan.add(step.from.location).add(to.location);
				throw e;
			});
			if (!moved) {
				this.#cp.moving = undefined;
				return this.#expandHere(step, final);
			}
		}
		this.#lib.sql.tx(() => {
			const ok = indexMoved(
				this.#lib,
				{ locId: this.#locId(step.from.location), path: step.from.path },
				{ locId: this.#locId(to.location), path: final.path }
			);
			this.#touched.add(step.from.location);
			this.#indexed(to.location, ok);
			this.#cp.done.push([step.from, final]);
			this.#cp.moving = undefined;
			this.#advance(step);
		});
	}

	/** A move the platform cannot make in one call (or a folder merged into one): copy, then remove. */
	async #expandHere(step: Extract<Step, { t: 'mv' }>, to: FileRef, merged = false): Promise<void> {
		const source = await this.#source(step.from.location);
		const steps = await expand(source, new Map(), step.from, to, true, this.ctx.signal, false);
		// The item is done (for undo) once its steps are: recorded now, with where it goes. Not a
		// merge: undo would move back the folder that was there before, with what it held.
		if (!merged) this.#cp.done.push([step.from, to]);
		this.#steps.splice(this.#cp.cursor, 1, ...steps);
		this.#totals = planTotals(this.#steps);
		jobs.setParams(this.#lib, this.#id, this.#params);
		this.ctx.checkpoint(this.#cp);
	}

	async #rmdir(step: Extract<Step, { t: 'rmdir' }>): Promise<void> {
		const name = baseName(step.from.path);
		let removed = false;
		try {
			const parent = await dirAt(await this.#root(step.from.location), parentPath(step.from.path));
			await parent.removeEntry(name);
			removed = true;
		} catch (e) {
			const kind = e instanceof Error ? e.name : e instanceof VdfsError ? e.code : '';
			// Not empty: something in it was skipped and stays where it is. Gone: nothing to do.
			if (kind !== 'InvalidModificationError' && kind !== 'NotFoundError' && kind !== 'NotFound')
				throw writeError(e, name);
		}
		this.#lib.sql.tx(() => {
			if (removed) unindex(this.#lib, this.#locId(step.from.location), step.from.path);
			this.#touched.add(step.from.location);
			this.#advance(step);
		});
	}

	async #rm(step: Extract<Step, { t: 'rm' }>): Promise<void> {
		this.#current = step.from.path;
		const parent = await dirAt(await this.#root(step.from.location), parentPath(step.from.path));
		await removeChild(parent, baseName(step.from.path));
		this.#lib.sql.tx(() => {
			unindex(this.#lib, this.#locId(step.from.location), step.from.path);
			this.#touched.add(step.from.location);
			this.#advance(step);
		});
	}

	async #trash(step: Extract<Step, { t: 'trash' }>): Promise<void> {
		this.#current = step.from.path;
		const root = await this.#root(step.from.location);
		const name = baseName(step.from.path);
		const bin = await dirAt(root, `${TRASH_FOLDER}/${step.id}`, true);
		const handle = await handleAt(root, step.from.path);
		// Gone from its place and already in the bin: a reload came between the move and its record.
		if (!handle && !(await childOf(bin, name)))
			throw new VdfsError('NotFound', `“${step.from.path}” is gone (moved or deleted).`, { path: step.from.path });
		if (handle) {
			const from = await dirAt(root, parentPath(step.from.path));
			const moved = await moveTree(handle, from, bin, name, this.ctx.signal).catch((e: unknown) => {
				this.#rescan.add(step.from.location);
				throw e;
			});
			if (!moved) {
				this.#rescan.add(step.from.location);
				throw new VdfsError(
					'NotWritable',
					`“${name}” cannot be moved into Orrery’s trash on this disk. Delete it permanently instead.`,
					{ path: step.from.path }
				);
			}
		}
		this.#lib.sql.tx(() => {
			const locId = this.#locId(step.from.location);
			const rows = subtreeRows(this.#lib, locId, step.from.path);
			const files = rows.filter((r) => r[2] === 0);
			const isDir = rows.length > 0 ? rows[0][2] === 1 : false;
			addTrash(this.#lib, {
				id: step.id,
				locId,
				path: step.from.path,
				name,
				isDir,
				rows,
				size: files.reduce((sum, r) => sum + r[3], 0),
				files: isDir ? files.length : 1
			});
			unindex(this.#lib, locId, step.from.path);
			this.#touched.add(step.from.location);
			this.#cp.done.push([step.from, { location: step.from.location, path: trashPath(step.id, name) }]);
			this.#advance(step);
		});
	}

	async #restore(step: Extract<Step, { t: 'restore' }>): Promise<void> {
		const record = trashRecord(this.#lib, step.id);
		if (!record) return this.#advance(step);
		this.#current = record.path;
		const root = await this.#root(record.location_uuid);
		const trashRoot = await dirAt(root, TRASH_FOLDER, true);
		// A restore a reload interrupted goes on into the name it chose (its bin may be gone already).
		const resumed = this.#cp.moving?.cursor === this.#cp.cursor ? this.#cp.moving : undefined;
		const bin = await dirAt(trashRoot, step.id).catch((e: unknown) => {
			if (resumed && e instanceof VdfsError && e.code === 'NotFound') return null;
			throw e;
		});
		const handle = bin ? await childOf(bin, record.name) : null;
		const parent = await dirAt(root, parentPath(record.path), true);
		let name = resumed ? baseName(resumed.to) : record.name;
		if (!resumed) {
			if (!handle) {
				throw new VdfsError('NotFound', `“${record.name}” is no longer in the trash folder; it cannot be restored.`, {
					path: record.path
				});
			}
			for (const candidate of numberedNames(record.name, record.is_dir === 1)) {
				if (!(await childOf(parent, candidate))) {
					name = candidate;
					break;
				}
			}
			this.#cp.moving = { cursor: this.#cp.cursor, to: joinPath(parentPath(record.path), name) };
			this.ctx.checkpoint(this.#cp);
		}
		if (handle && bin && !(await moveTree(handle, bin, parent, name, this.ctx.signal))) throw cannotRename(name);
		await removeChild(trashRoot, step.id);
		const final = joinPath(parentPath(record.path), name);
		this.#lib.sql.tx(() => {
			const rows = JSON.parse(record.entries) as SavedRow[];
			const n = indexRestored(this.#lib, record.location_id, final, rows);
			if (n < rows.length || rows.length === 0) this.#rescan.add(record.location_uuid);
			removeTrash(this.#lib, step.id);
			this.#cp.moving = undefined;
			this.#touched.add(record.location_uuid);
			this.#cp.done.push([
				{ location: record.location_uuid, path: trashPath(step.id, record.name) },
				{ location: record.location_uuid, path: final }
			]);
			this.#advance(step);
		});
	}

	async #purge(step: Extract<Step, { t: 'purge' }>): Promise<void> {
		const record = trashRecord(this.#lib, step.id);
		if (!record) return this.#advance(step);
		this.#current = record.path;
		const root = await this.#root(record.location_uuid);
		try {
			await removeChild(await dirAt(root, TRASH_FOLDER), step.id);
		} catch (e) {
			if (!(e instanceof VdfsError && e.code === 'NotFound')) throw e;
		}
		this.#lib.sql.tx(() => {
			removeTrash(this.#lib, step.id);
			this.#advance(step);
		});
	}

	// ---- names taken

	/**
	 * Where a file or folder goes when its name may be taken: its own name, a numbered one, or
	 * over what is there, as the user chose (asking when they have not: the job waits).
	 */
	async #place(
		step: Step & { to: FileRef },
		dir: Dir,
		to: FileRef,
		isDir: boolean,
		at = this.#cp.cursor,
		claimed: ReadonlySet<string> = new Set(),
		top = 'top' in step && step.top === true
	): Promise<{ name: string; replace?: true } | 'skip' | 'merge'> {
		const name = baseName(to.path);
		const free = (names: Generator<string>) => this.#free(dir, names, to, claimed);
		if (this.#params.duplicate && top) return { name: await free(copyNames(name, isDir)) };
		const existing = await childOf(dir, name);
		if (!existing) return { name };
		const existingIsDir = existing.kind === 'directory';
		// Inside a folder being merged, folders meet folders: nothing to ask.
		if (!top && isDir && existingIsDir) return 'merge';
		const answer = this.#takeAnswer(at);
		let choice = answer === 'replace' || answer === 'keep-both' ? answer : this.#params.policy;
		// A file and a folder of one name: "replace" for all is for like kinds; this is asked.
		if (choice === 'replace' && answer !== 'replace' && existingIsDir !== isDir) choice = 'ask';
		if (choice === 'skip') {
			this.#cp.skips.push(to.path);
			return 'skip';
		}
		if (choice === 'keep-both') return { name: await free(numberedNames(name, isDir)) };
		if (choice === 'replace') return isDir && existingIsDir ? 'merge' : { name, replace: true };
		throw new JobWaiting(await this.#conflict(step, existing, to, isDir, at));
	}

	/** The first of `names` free in the folder (and not taken by a file of the same batch). */
	async #free(dir: Dir, names: Generator<string>, to: FileRef, claimed: ReadonlySet<string>): Promise<string> {
		for (const candidate of names) {
			if (claimed.has(joinPath(parentPath(to.path), candidate)) || (await childOf(dir, candidate))) continue;
			if (candidate !== baseName(to.path)) this.#cp.remap.push([to.path, joinPath(parentPath(to.path), candidate)]);
			return candidate;
		}
		throw new VdfsError('Internal', 'No free name.');
	}

	async #conflict(
		step: Step & { to: FileRef },
		existing: FileSystemHandle,
		to: FileRef,
		isDir: boolean,
		at: number
	): Promise<JobQuestion> {
		const stat = async (h: FileSystemHandle) =>
			h.kind === 'file' ? await (h as FileSystemFileHandle).getFile().catch(() => null) : null;
		const target = await stat(existing);
		let size = 'size' in step ? step.size : 0;
		let mtime = 0;
		if ('from' in step && step.from && !isDir) {
			const file = await (await this.#source(step.from.location)).file(step.from.path).catch(() => null);
			size = file?.size ?? size;
			mtime = file?.lastModified ?? 0;
		}
		const from = 'from' in step && step.from ? step.from : to;
		return {
			kind: 'conflict',
			at,
			source: { ...from, isDir, size, mtime },
			target: { ...to, isDir: existing.kind === 'directory', size: target?.size ?? 0, mtime: target?.lastModified ?? 0 }
		};
	}

	/** The user's answer to the question asked at this step, used once. */
	#takeAnswer(cursor: number): JobAnswer['choice'] | undefined {
		const answers = this.#params.answers;
		const answer = answers?.[cursor];
		if (answer === undefined || !answers) return undefined;
		delete answers[cursor];
		jobs.setParams(this.#lib, this.#id, this.#params);
		return answer;
	}

	// ---- bookkeeping

	/** Where a planned target path ends up: moved by a "keep both" above it, or null when skipped. */
	#resolve(to: FileRef): FileRef | null {
		if (this.#cp.skips.some((s) => within(to.path, s))) return null;
		let best: [string, string] | undefined;
		for (const pair of this.#cp.remap)
			if (within(to.path, pair[0]) && (!best || pair[0].length > best[0].length)) best = pair;
		return best ? { location: to.location, path: best[1] + to.path.slice(best[0].length) } : to;
	}

	#indexed(location: LocationId, ok: boolean): void {
		this.#touched.add(location);
		if (!ok) this.#rescan.add(location);
	}

	/** Past a step, done or skipped, with its files counted; saved in the step's transaction. */
	#advance(step: Step, save = true): void {
		const units = planTotals([step]);
		this.#cp.files += units.files;
		this.#cp.bytes += units.bytes;
		this.#cp.cursor++;
		if (save) this.ctx.checkpoint(this.#cp);
	}

	#report(phase: string, force = false): void {
		const now = Date.now();
		if (!force && now - this.#lastReport < 100) return;
		this.#lastReport = now;
		const bytes = this.#cp.bytes + this.#inFile;
		const progress: JobProgress = {
			phase,
			done: bytes,
			total: this.#totals.bytes,
			files: this.#cp.files,
			bytes,
			written: this.#cp.files,
			currentPath: this.#current,
			...rateAndEta(this.#cp.files, bytes, this.#totals.bytes, this.#started, 1),
			filesTotal: this.#totals.files,
			bytesTotal: this.#totals.bytes
		};
		this.ctx.progress(progress);
	}

	#recordUndo(): void {
		const { op, isUndo } = this.#params;
		if (isUndo || this.#cp.done.length === 0) return;
		const n = this.#cp.done.length;
		if (op === 'move') {
			const label = this.#params.undoLabel ?? `Undo move of ${plural(n, 'item')}`;
			recordUndo(this.#lib, label, { kind: 'move', moved: this.#cp.done });
		} else if (op === 'trash') {
			const ids = this.#steps.flatMap((s) => (s.t === 'trash' ? [s.id] : []));
			const kept = ids.filter((id) => trashRecord(this.#lib, id));
			if (kept.length > 0)
				recordUndo(this.#lib, `Undo delete of ${plural(kept.length, 'item')}`, { kind: 'trash', ids: kept });
		}
	}

	#locId(location: LocationId): number {
		return locationRowId(this.#lib, location);
	}

	#source(location: LocationId): Promise<FileSource> {
		let source = this.#sources.get(location);
		if (!source) {
			source = this.access.source(location);
			this.#sources.set(location, source);
		}
		return source;
	}

	#root(location: LocationId): Promise<Dir> {
		let root = this.#roots.get(location);
		if (!root) {
			root = this.access.writable(location);
			this.#roots.set(location, root);
			root.catch(() => this.#roots.delete(location));
		}
		return root;
	}
}

function cannotRename(name: string): VdfsError {
	return new VdfsError('NotWritable', `“${name}” was written but could not be given its name on this disk.`, {
		path: name
	});
}
