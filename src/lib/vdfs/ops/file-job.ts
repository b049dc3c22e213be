import type { FileRef, JobAnswer, JobProgress, JobQuestion, LocationKind } from '../api';
import { VdfsError, serializeError, toVdfsError } from '../errors';
import type { FileSource } from '../fs/source';
import { newId, type JobId, type LocationId, type TrashId } from '../ids';
import * as jobs from '../jobs/jobs';
import { JobWaiting, rateAndEta, type JobContext, type JobHandler } from '../jobs/runner';
import type { OpenLibrary } from '../library/library';
import { locationRowId } from '../locations/locations';
import { childOf, dirAt, handleAt, moveHandle, removeChild, writeError, writePartial } from './handles';
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

/** What file operations reach files through (the core's location roots). */
export interface FileAccess {
	kind(location: LocationId): LocationKind;
	/** Reads and lists (any kind of location). */
	source(location: LocationId): Promise<FileSource>;
	/** The folder to write to, with permission to write; throws why not (read-only, revoked). */
	writable(location: LocationId): Promise<Dir>;
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
	#inFile = 0;
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
				await this.#attempt(this.#steps[this.#cp.cursor]);
				this.#report(PHASES[this.#params.op]);
			}
			this.#report(PHASES[this.#params.op], true);
			this.#recordUndo();
		} finally {
			if (this.#touched.size > 0 || this.#rescan.size > 0) this.access.settled(this.#lib, this.#touched, this.#rescan);
		}
	}

	/** One step, and what the user chose where it failed or met a taken name: skip it, retry it, or ask. */
	async #attempt(step: Step): Promise<void> {
		const preset = this.#params.answers?.[this.#cp.cursor];
		if (preset === 'skip' || preset === 'retry') {
			this.#takeAnswer(this.#cp.cursor);
			if (preset === 'skip') return this.#skip(step);
		}
		try {
			await this.#step(step);
		} catch (e) {
			if (e instanceof JobWaiting) {
				this.ctx.checkpoint(this.#cp);
				throw e;
			}
			if (this.ctx.signal.aborted) throw e;
			const error = toVdfsError(e);
			const source = this.#sourceOf(step);
			if (this.#params.errorPolicy === 'skip') {
				this.ctx.problem({ path: source.path, code: error.code, message: error.message });
				return this.#skip(step);
			}
			this.ctx.checkpoint(this.#cp);
			throw new JobWaiting({ kind: 'error', source, error: serializeError(error) });
		}
	}

	/** Past a step without doing it: a folder's contents are skipped with it. */
	#skip(step: Step): void {
		const to = 'to' in step ? this.#resolve(step.to) : null;
		if (to) this.#cp.skips.push(to.path);
		this.#cp.inflight = undefined;
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
		switch (step.t) {
			case 'dir':
				return this.#dir(step);
			case 'file':
				return this.#file(step);
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

	async #file(step: Extract<Step, { t: 'file' }>): Promise<void> {
		const to = this.#resolve(step.to);
		if (!to) return this.#advance(step);
		this.#current = step.from.path;
		const dir = await dirAt(await this.#root(to.location), parentPath(to.path));
		const partial = `${PARTIAL_PREFIX}${this.#id.slice(-12)}-${this.#cp.cursor}`;
		const inflight = this.#cp.inflight?.cursor === this.#cp.cursor ? this.#cp.inflight : undefined;
		let name: string;
		if (inflight) {
			// Written whole before a reload: finish moving it to its name (if that did not happen yet).
			name = inflight.to;
			const left = await childOf(dir, inflight.partial);
			if (left && !(await moveHandle(left, dir, name))) throw cannotRename(name);
		} else {
			await removeChild(dir, partial);
			const placed = await this.#place(step, dir, to, false);
			if (placed === 'skip' || placed === 'merge') return this.#advance(step);
			name = placed.name;
			const file = await (await this.#source(step.from.location)).file(step.from.path);
			this.#inFile = 0;
			const handle = await writePartial(file, dir, partial, {
				signal: this.ctx.signal,
				onBytes: (n) => {
					this.#inFile += n;
					this.#report(PHASES[this.#params.op]);
				}
			});
			this.#cp.inflight = { cursor: this.#cp.cursor, partial, to: name };
			this.ctx.checkpoint(this.#cp);
			if (placed.replace) await removeChild(dir, name);
			if (!(await moveHandle(handle, dir, name))) throw cannotRename(name);
		}
		const written = await (await dir.getFileHandle(name)).getFile();
		const final = { location: to.location, path: joinPath(parentPath(to.path), name) };
		if (step.move) {
			const fromDir = await dirAt(await this.#root(step.from.location), parentPath(step.from.path));
			await removeChild(fromDir, baseName(step.from.path));
		}
		this.#inFile = 0;
		this.#lib.sql.tx(() => {
			const toLoc = this.#locId(to.location);
			const fromLoc = this.#locId(step.from.location);
			let ok: boolean;
			if (step.move) {
				ok = indexMoved(
					this.#lib,
					{ locId: fromLoc, path: step.from.path },
					{ locId: toLoc, path: final.path },
					written.lastModified
				);
				this.#touched.add(step.from.location);
			} else {
				const source = rowAt(this.#lib, fromLoc, step.from.path);
				const same = source && !source.is_dir && source.size === written.size;
				ok = indexWritten(this.#lib, toLoc, final.path, {
					isDir: false,
					size: written.size,
					mtime: written.lastModified,
					casId: same ? source.cas_id : null,
					fullHash: same ? source.full_hash : null
				});
			}
			this.#indexed(to.location, ok);
			this.#cp.inflight = undefined;
			if (step.top) this.#cp.done.push([step.from, final]);
			this.#advance(step);
		});
	}

	async #mv(step: Extract<Step, { t: 'mv' }>): Promise<void> {
		const to = this.#resolve(step.to);
		if (!to) return this.#advance(step);
		this.#current = step.from.path;
		const handle = await handleAt(await this.#root(step.from.location), step.from.path);
		if (!handle)
			throw new VdfsError('NotFound', `“${step.from.path}” is gone (moved or deleted).`, { path: step.from.path });
		const parent = await dirAt(await this.#root(to.location), parentPath(to.path));
		const placed = await this.#place(step, parent, to, step.isDir, true);
		if (placed === 'skip') return this.#advance(step);
		if (placed === 'merge') return this.#expandHere(step, to);
		if (placed.name !== baseName(to.path)) this.#cp.remap.push([to.path, joinPath(parentPath(to.path), placed.name)]);
		const final = { location: to.location, path: joinPath(parentPath(to.path), placed.name) };
		if (placed.replace) {
			await removeChild(parent, placed.name);
			this.#lib.sql.tx(() => unindex(this.#lib, this.#locId(to.location), final.path));
		}
		if (!(await moveHandle(handle, parent, placed.name))) return this.#expandHere(step, final);
		this.#lib.sql.tx(() => {
			const ok = indexMoved(
				this.#lib,
				{ locId: this.#locId(step.from.location), path: step.from.path },
				{ locId: this.#locId(to.location), path: final.path }
			);
			this.#touched.add(step.from.location);
			this.#indexed(to.location, ok);
			this.#cp.done.push([step.from, final]);
			this.#advance(step);
		});
	}

	/** A move the platform cannot make in one call (or a folder merged into one): copy, then remove. */
	async #expandHere(step: Extract<Step, { t: 'mv' }>, to: FileRef): Promise<void> {
		const source = await this.#source(step.from.location);
		const steps = await expand(source, new Map(), step.from, to, true, this.ctx.signal, false);
		// The item itself is done (for undo) once its steps are: recorded now, with where it goes.
		this.#cp.done.push([step.from, to]);
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
		// Already there: a reload came between the move and its record.
		if (!(await childOf(bin, name))) {
			const handle = await handleAt(root, step.from.path);
			if (!handle)
				throw new VdfsError('NotFound', `“${step.from.path}” is gone (moved or deleted).`, { path: step.from.path });
			if (!(await moveHandle(handle, bin, name))) {
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
		const trashRoot = await dirAt(root, TRASH_FOLDER);
		const bin = await dirAt(trashRoot, step.id);
		const handle = await childOf(bin, record.name);
		if (!handle) {
			throw new VdfsError('NotFound', `“${record.name}” is no longer in the trash folder; it cannot be restored.`, {
				path: record.path
			});
		}
		const parent = await dirAt(root, parentPath(record.path), true);
		let name = record.name;
		for (const candidate of numberedNames(record.name, record.is_dir === 1)) {
			if (!(await childOf(parent, candidate))) {
				name = candidate;
				break;
			}
		}
		if (!(await moveHandle(handle, parent, name))) throw cannotRename(name);
		await removeChild(trashRoot, step.id);
		const final = joinPath(parentPath(record.path), name);
		this.#lib.sql.tx(() => {
			const rows = JSON.parse(record.entries) as SavedRow[];
			const n = indexRestored(this.#lib, record.location_id, final, rows);
			if (n < rows.length || rows.length === 0) this.#rescan.add(record.location_uuid);
			removeTrash(this.#lib, step.id);
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
		top = 'top' in step && step.top === true
	): Promise<{ name: string; replace?: true } | 'skip' | 'merge'> {
		const name = baseName(to.path);
		if (this.#params.duplicate && top) return { name: await this.#free(dir, copyNames(name, isDir), to) };
		const existing = await childOf(dir, name);
		if (!existing) return { name };
		const existingIsDir = existing.kind === 'directory';
		// Inside a folder being merged, folders meet folders: nothing to ask.
		if (!top && isDir && existingIsDir) return 'merge';
		const answer = this.#takeAnswer(this.#cp.cursor);
		const choice = answer === 'replace' || answer === 'keep-both' ? answer : this.#params.policy;
		if (choice === 'skip') {
			this.#cp.skips.push(to.path);
			return 'skip';
		}
		if (choice === 'keep-both') return { name: await this.#free(dir, numberedNames(name, isDir), to) };
		if (choice === 'replace') return isDir && existingIsDir ? 'merge' : { name, replace: true };
		throw new JobWaiting(await this.#conflict(step, existing, to, isDir));
	}

	async #free(dir: Dir, names: Generator<string>, to: FileRef): Promise<string> {
		for (const candidate of names) {
			if (await childOf(dir, candidate)) continue;
			if (candidate !== baseName(to.path)) this.#cp.remap.push([to.path, joinPath(parentPath(to.path), candidate)]);
			return candidate;
		}
		throw new VdfsError('Internal', 'No free name.');
	}

	async #conflict(
		step: Step & { to: FileRef },
		existing: FileSystemHandle,
		to: FileRef,
		isDir: boolean
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
	#advance(step: Step): void {
		const units = planTotals([step]);
		this.#cp.files += units.files;
		this.#cp.bytes += units.bytes;
		this.#cp.cursor++;
		this.ctx.checkpoint(this.#cp);
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
			recordUndo(this.#lib, `Undo move of ${plural(n, 'item')}`, { kind: 'move', moved: this.#cp.done });
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
