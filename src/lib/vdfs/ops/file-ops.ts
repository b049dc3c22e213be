import type {
	ConflictChoice,
	FileOpKind,
	FileRef,
	JobAnswer,
	JobQuestion,
	TransferInput,
	TrashItem,
	UndoInfo
} from '../api';
import { VdfsError } from '../errors';
import type { ChangeEvent } from '../events';
import type { JobId, LocationId, TrashId } from '../ids';
import * as jobs from '../jobs/jobs';
import type { JobRunner } from '../jobs/runner';
import type { OpenLibrary } from '../library/library';
import { getLocation, locationRowId } from '../locations/locations';
import type { FileAccess } from './file-job';
import { children, childOf, dirAt, handleAt, moveHandle, writeError } from './handles';
import { baseName, indexMoved, indexWritten, joinPath, parentPath, unindex } from './index-writes';
import { checkName, isWorkingName } from './names';
import type { FileJobParams } from './plan';
import { listTrash } from './trash';
import { dropUndo, lastUndo, recordUndo } from './undo';

/**
 * File operations as the API offers them (issue 8). Quick ones (rename, new folder) happen in
 * the call; the rest become jobs in the 'files' lane (file-job.ts), which stream, checkpoint
 * after every file, ask about taken names and failures, and keep the index true as they go.
 */
export class FileOps {
	constructor(
		private readonly library: () => OpenLibrary,
		private readonly access: FileAccess,
		private readonly runner: JobRunner,
		private readonly emit: (event: ChangeEvent) => void
	) {}

	/** Paths from the API (another tab, the console): relative, plain, never Orrery's own working names. */
	#checkRefs(refs: readonly FileRef[]): void {
		for (const ref of refs) {
			const parts = ref.path === '' ? [] : ref.path.split('/');
			if (parts.some((p) => p === '' || p === '.' || p === '..' || isWorkingName(p))) {
				throw new VdfsError('InvalidInput', `“${ref.path}” is not a path Orrery can change.`, { path: ref.path });
			}
		}
	}

	copy(input: TransferInput): JobId {
		return this.#transfer('copy', input);
	}

	move(input: TransferInput): JobId {
		for (const item of input.items) this.#requireWritable(item.location, 'moved from');
		return this.#transfer('move', input);
	}

	/** Each item copied beside itself as "name copy". */
	duplicate(items: FileRef[]): JobId {
		this.#checkRefs(items);
		const pairs = items.map((from) => {
			this.#requireWritable(from.location, 'copied into');
			return { from, to: { ...from } };
		});
		return this.#create('copy', { op: 'copy', pairs, policy: 'keep-both', errorPolicy: 'ask', duplicate: true });
	}

	trash(items: FileRef[]): JobId {
		this.#checkRefs(items);
		for (const item of items) this.#requireWritable(item.location, 'changed');
		return this.#create('trash', { op: 'trash', refs: items, policy: 'ask', errorPolicy: 'ask' });
	}

	delete(items: FileRef[]): JobId {
		this.#checkRefs(items);
		for (const item of items) this.#requireWritable(item.location, 'changed');
		return this.#create('delete', { op: 'delete', refs: items, policy: 'ask', errorPolicy: 'ask' });
	}

	restore(ids: TrashId[], isUndo = false): JobId {
		return this.#create('restore', { op: 'restore', trashIds: ids, policy: 'keep-both', errorPolicy: 'ask', isUndo });
	}

	emptyTrash(location?: LocationId): JobId | null {
		const ids = listTrash(this.library(), location).map((t) => t.id);
		if (ids.length === 0) return null;
		return this.#create(
			'empty-trash',
			{ op: 'empty-trash', trashIds: ids, policy: 'ask', errorPolicy: 'ask' },
			location
		);
	}

	listTrash(location?: LocationId): TrashItem[] {
		return listTrash(this.library(), location);
	}

	/** Answers the question a waiting job asked, and lets it go on (or stops it). */
	async answer(id: JobId, answer: JobAnswer): Promise<void> {
		const lib = this.library();
		const row = jobs.jobRow(lib, id);
		if (!row) throw new VdfsError('NotFound', 'That job no longer exists.');
		if (answer.choice === 'stop') return this.runner.cancel(id);
		const params = JSON.parse(row.params) as FileJobParams;
		const cursor = row.checkpoint ? (JSON.parse(row.checkpoint) as { cursor: number }).cursor : 0;
		const { question } = JSON.parse(lib.sql.value<string>('SELECT progress FROM job WHERE uuid = ?', [id]) ?? '{}') as {
			question?: JobQuestion;
		};
		// A second tab's dialog, or a second click, must not answer the next question.
		if (row.state !== 'paused' || !question || (answer.at !== undefined && answer.at !== question.at)) {
			throw new VdfsError('InvalidInput', 'That question was already answered.');
		}
		if (answer.all && answer.choice !== 'retry') {
			if (question?.kind === 'conflict') params.policy = answer.choice as ConflictChoice;
			else params.errorPolicy = 'skip';
		}
		// A failed file skipped: the job's problems say which and why.
		if (answer.choice === 'skip' && question?.kind === 'error') {
			jobs.addProblems(lib, id, [
				{ path: question.source.path, code: question.error.code, message: question.error.message }
			]);
		}
		params.answers = { ...params.answers, [question.at ?? cursor]: answer.choice };
		jobs.setParams(lib, id, params);
		this.runner.resume(id);
	}

	/**
	 * Renames a file or folder in place; the index row keeps its id (and tags, notes). A folder
	 * the platform cannot rename in one call (Chromium has no move() for folders) is renamed by
	 * a move job, its files moved one by one: `job` is that job.
	 */
	async rename(ref: FileRef, newName: string): Promise<{ to: FileRef; job: JobId | null }> {
		const name = checkName(newName);
		this.#checkRefs([ref]);
		if (ref.path === '') throw new VdfsError('InvalidInput', 'A location is renamed in its settings, not here.');
		const root = await this.access.writable(ref.location);
		const handle = await handleAt(root, ref.path);
		if (!handle) throw new VdfsError('NotFound', `“${ref.path}” is gone (moved or deleted).`, { path: ref.path });
		const to: FileRef = { location: ref.location, path: joinPath(parentPath(ref.path), name) };
		if (name === baseName(ref.path)) return { to, job: null };
		const parent = await dirAt(root, parentPath(ref.path));
		const existing = await childOf(parent, name);
		// A change of case on a disk that ignores case finds the file itself: that is no conflict.
		if (existing && !(await existing.isSameEntry(handle))) {
			throw new VdfsError('AlreadyExists', `“${name}” already exists in this folder.`, { path: to.path });
		}
		if (!(await moveHandle(handle, parent, name))) {
			if (handle.kind !== 'directory') {
				throw new VdfsError('NotWritable', `“${baseName(ref.path)}” cannot be renamed on this disk.`, {
					path: ref.path
				});
			}
			// A folder renames by moving its files into a new folder; on a disk that ignores case,
			// "Photos" to "photos" would be that same folder, and moving it into itself loses files.
			if (name.toLowerCase() === baseName(ref.path).toLowerCase()) {
				throw new VdfsError(
					'InvalidInput',
					'A folder’s name cannot change in case only here: rename it to another name first, then to this one.'
				);
			}
			const job = this.#create(
				'move',
				{ op: 'move', pairs: [{ from: ref, to }], policy: 'ask', errorPolicy: 'ask', undoLabel: 'Undo rename' },
				ref.location
			);
			return { to, job };
		}
		const lib = this.library();
		lib.sql.tx(() => {
			const locId = locationRowId(lib, ref.location);
			if (!indexMoved(lib, { locId, path: ref.path }, { locId, path: to.path }))
				this.access.settled(lib, new Set(), new Set([ref.location]));
			recordUndo(lib, 'Undo rename', { kind: 'rename', from: ref, to });
		});
		this.emit({ topic: 'entry', library: lib.id });
		return { to, job: null };
	}

	/** A new, empty folder; an existing name is an error, not a merge. */
	async createFolder(location: LocationId, dirPath: string, newName: string, undoable = true): Promise<string> {
		const name = checkName(newName);
		this.#checkRefs([{ location, path: dirPath }]);
		const root = await this.access.writable(location);
		const parent = await dirAt(root, dirPath);
		if (await childOf(parent, name)) throw new VdfsError('AlreadyExists', `“${name}” already exists here.`);
		try {
			await parent.getDirectoryHandle(name, { create: true });
		} catch (e) {
			throw writeError(e, name);
		}
		const lib = this.library();
		const folder = { location, path: joinPath(dirPath, name) };
		lib.sql.tx(() => {
			if (!indexWritten(lib, locationRowId(lib, location), folder.path, { isDir: true, size: 0, mtime: 0 })) {
				this.access.settled(lib, new Set(), new Set([location]));
			}
			if (undoable) recordUndo(lib, 'Undo new folder', { kind: 'new-folder', folder });
		});
		this.emit({ topic: 'entry', library: lib.id });
		return name;
	}

	lastUndo(): UndoInfo | null {
		const last = lastUndo(this.library());
		return last ? { label: last.label, kind: last.kind, at: last.at } : null;
	}

	/** Reverses the newest undoable action; a move or a delete back comes as a job. */
	async undo(): Promise<{ label: string; job: JobId | null }> {
		const lib = this.library();
		const last = lastUndo(lib);
		if (!last) throw new VdfsError('NotFound', 'There is nothing to undo.');
		const { action } = last;
		let job: JobId | null = null;
		if (action.kind === 'rename') {
			await this.#renameBack(action.to, baseName(action.from.path));
		} else if (action.kind === 'new-folder') {
			await this.#removeEmptyFolder(action.folder);
		} else if (action.kind === 'move') {
			const pairs = action.moved.map(([from, to]) => ({ from: to, to: from }));
			job = this.#create('move', { op: 'move', pairs, policy: 'ask', errorPolicy: 'ask', isUndo: true });
		} else {
			job = this.restore(action.ids, true);
		}
		dropUndo(lib, last.id);
		this.emit({ topic: 'entry', library: lib.id });
		return { label: last.label, job };
	}

	async #renameBack(ref: FileRef, name: string): Promise<void> {
		const lib = this.library();
		const before = lastUndo(lib)?.id;
		const { job } = await this.rename(ref, name);
		if (job) {
			// A folder renamed back runs as a move job: that job is the undo, and records none.
			const lib = this.library();
			const row = jobs.jobRow(lib, job);
			if (row) jobs.setParams(lib, job, { ...(JSON.parse(row.params) as FileJobParams), isUndo: true });
			return;
		}
		// The rename back is not itself undoable.
		const after = lastUndo(lib);
		if (after && after.id !== before) dropUndo(lib, after.id);
	}

	async #removeEmptyFolder(folder: FileRef): Promise<void> {
		const root = await this.access.writable(folder.location);
		const handle = await handleAt(root, folder.path);
		if (!handle) return;
		if (handle.kind !== 'directory' || (await children(handle as FileSystemDirectoryHandle)).length > 0) {
			throw new VdfsError(
				'InvalidInput',
				`“${baseName(folder.path)}” is no longer empty, so undo leaves it; move it to the trash instead.`
			);
		}
		const parent = await dirAt(root, parentPath(folder.path));
		try {
			await parent.removeEntry(baseName(folder.path));
		} catch (e) {
			throw writeError(e, baseName(folder.path));
		}
		const lib = this.library();
		lib.sql.tx(() => unindex(lib, locationRowId(lib, folder.location), folder.path));
	}

	#transfer(op: 'copy' | 'move', input: TransferInput): JobId {
		if (input.items.length === 0) throw new VdfsError('InvalidInput', 'Pick something to ' + op + '.');
		this.#checkRefs([...input.items, input.to]);
		this.#requireWritable(input.to.location, op === 'copy' ? 'copied into' : 'moved into');
		const pairs = input.items.map((from) => ({
			from,
			to: { location: input.to.location, path: joinPath(input.to.path, baseName(from.path)) }
		}));
		const policy = input.onConflict ?? 'ask';
		return this.#create(op, { op, pairs, policy, errorPolicy: 'ask', duplicate: input.duplicate }, input.to.location);
	}

	#create(kind: FileOpKind, params: FileJobParams, location?: LocationId): JobId {
		const lib = this.library();
		const locRow = location ? locationRowId(lib, location) : this.#firstLocation(params);
		const id = jobs.createJob(lib, kind, locRow, params);
		this.emit({ topic: 'job', library: lib.id, ids: [id] });
		this.runner.kick();
		return id;
	}

	#firstLocation(params: FileJobParams): number | null {
		const lib = this.library();
		const ref = params.pairs?.[0]?.from ?? params.refs?.[0];
		if (ref) return locationRowId(lib, ref.location);
		const trash = params.trashIds?.[0];
		return trash ? (lib.sql.value<number>('SELECT location_id FROM trash WHERE uuid = ?', [trash]) ?? null) : null;
	}

	/** Fails at once, with the reason, for a location Orrery never writes to. */
	#requireWritable(location: LocationId, what: string): void {
		const summary = getLocation(this.library(), location);
		if (!summary) throw new VdfsError('NotFound', 'That location is not in this library (it may have been removed).');
		if (summary.kind === 'snapshot') {
			throw new VdfsError(
				'NotWritable',
				`“${summary.name}” is a one-off import: a read-only copy of a folder, so nothing can be ${what} it. Add the folder itself as a location to change its files.`
			);
		}
	}
}
