import { describe, expect, it } from 'vitest';
import type { FileRef, JobId, JobKind, JobSummary, LocationId } from '../../src/lib/vdfs/api';
import type { Core } from '../../src/lib/vdfs/core';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { asHandle, MemoryDirHandle, type MemoryFsFaults } from './memory-handles';
import { sqlite, startWithRoots, waitForJobs } from './helpers';

const FILE_JOBS: JobKind[] = ['copy', 'move', 'trash', 'delete', 'restore', 'empty-trash'];
const ALL_JOBS: JobKind[] = ['index', 'identify', 'media', ...FILE_JOBS];

/** A library with two `opfs` locations A and B backed by in-memory folders, indexed and identified. */
async function setup(files: Record<string, string>, faults: MemoryFsFaults = {}) {
	const roots = new MemoryRoots();
	const { core } = await startWithRoots(undefined, roots);
	await core.createLibrary({ name: 'L' });
	const a = new MemoryDirHandle('a');
	const b = new MemoryDirHandle('b', faults);
	for (const [path, text] of Object.entries(files)) a.put(path, text);
	const A = crypto.randomUUID() as LocationId;
	const B = crypto.randomUUID() as LocationId;
	roots.handles.set(A, asHandle(a));
	roots.handles.set(B, asHandle(b));
	await core.addLocation({ name: 'A', kind: 'opfs', id: A });
	await core.addLocation({ name: 'B', kind: 'opfs', id: B });
	await settle(core);
	return { core, roots, a, b, A, B };
}

/** Waits until no job is queued or running. */
async function settle(core: Core): Promise<JobSummary[]> {
	return waitForJobs(core, (js) => js.every((j) => j.state !== 'queued' && j.state !== 'running'), 10_000, ALL_JOBS);
}

async function finished(core: Core, id: JobId): Promise<JobSummary> {
	const [job] = await waitForJobs(
		core,
		(js) => ['done', 'failed', 'cancelled', 'paused'].includes(js.find((j) => j.id === id)?.state ?? ''),
		10_000,
		FILE_JOBS
	).then((js) => js.filter((j) => j.id === id));
	await settle(core);
	return job;
}

async function entry(core: Core, ref: FileRef) {
	const slash = ref.path.lastIndexOf('/');
	const dir = slash < 0 ? '' : ref.path.slice(0, slash);
	const rows = await core.listChildren(ref.location, dir);
	return rows.find((r) => r.name === ref.path.slice(slash + 1));
}

const TREE = {
	'photos/one.jpg': 'the first photo',
	'photos/two.jpg': 'the second photo',
	'photos/deep/three.txt': 'three',
	'notes.txt': 'some notes'
};

describe('file operations', () => {
	it('copies a tree between two locations: every byte, content ids kept, the index follows', async () => {
		const { core, a, b, A, B } = await setup(TREE);
		const before = await entry(core, { location: A, path: 'photos/deep/three.txt' });
		expect(before?.casId).toBeTruthy();
		const job = await core.copyEntries({
			items: [
				{ location: A, path: 'photos' },
				{ location: A, path: 'notes.txt' }
			],
			to: { location: B, path: '' }
		});
		const done = await finished(core, job);
		expect(done.state).toBe('done');
		expect(done.progress.files).toBe(4);
		expect(done.progress.filesTotal).toBe(4);
		expect(b.files()).toEqual(a.files());
		expect(b.paths().some((p) => p.includes('.orrery-partial'))).toBe(false);
		const copy = await entry(core, { location: B, path: 'photos/deep/three.txt' });
		expect(copy?.casId).toBe(before?.casId);
		expect(copy?.id).not.toBe(before?.id);
		const folder = await entry(core, { location: B, path: 'photos' });
		expect(folder?.size).toBe('the first photo'.length + 'the second photo'.length + 'three'.length);
		const locations = await core.listLocations();
		expect(locations.find((l) => l.id === B)?.totalFiles).toBe(4);
		// The source is untouched.
		expect(Object.keys(a.files())).toHaveLength(4);
	});

	it('moves keep entry ids and content ids, within a location and between two', async () => {
		const { core, a, b, A, B } = await setup(TREE);
		const one = await entry(core, { location: A, path: 'photos/one.jpg' });
		const deep = await entry(core, { location: A, path: 'photos/deep' });
		await core.createFolder(A, '', 'album');
		const within = await core.moveEntries({
			items: [{ location: A, path: 'photos' }],
			to: { location: A, path: 'album' }
		});
		expect((await finished(core, within)).state).toBe('done');
		expect(a.at('photos')).toBeUndefined();
		expect(a.files()['album/photos/one.jpg']).toBe('the first photo');
		expect((await entry(core, { location: A, path: 'album/photos/one.jpg' }))?.id).toBe(one?.id);
		expect((await entry(core, { location: A, path: 'album/photos/deep' }))?.id).toBe(deep?.id);
		expect(await core.listChildren(A, 'album/photos/deep')).toHaveLength(1);

		const across = await core.moveEntries({
			items: [{ location: A, path: 'album/photos' }],
			to: { location: B, path: '' }
		});
		expect((await finished(core, across)).state).toBe('done');
		expect(a.at('album/photos')).toBeUndefined();
		expect(b.files()['photos/one.jpg']).toBe('the first photo');
		const moved = await entry(core, { location: B, path: 'photos/one.jpg' });
		expect(moved?.id).toBe(one?.id);
		expect(moved?.casId).toBe(one?.casId);
		expect(await core.listChildren(A, 'album')).toHaveLength(0);
		const locations = await core.listLocations();
		expect(locations.find((l) => l.id === B)?.totalFiles).toBe(3);
		expect(locations.find((l) => l.id === A)?.totalFiles).toBe(1);
	});

	it('undoes a rename, a new folder and a move, newest first', async () => {
		const { core, a, A } = await setup(TREE);
		const notes = await entry(core, { location: A, path: 'notes.txt' });
		const { to: renamed, job: none } = await core.renameEntry({ location: A, path: 'notes.txt' }, 'todo.txt');
		expect(none).toBeNull();
		expect(renamed.path).toBe('todo.txt');
		expect(a.files()['todo.txt']).toBe('some notes');
		expect((await entry(core, renamed))?.id).toBe(notes?.id);
		await expect(core.renameEntry(renamed, 'photos')).rejects.toMatchObject({ code: 'AlreadyExists' });
		await expect(core.renameEntry(renamed, 'a/b')).rejects.toMatchObject({ code: 'InvalidInput' });

		await core.createFolder(A, '', 'new');
		const move = await core.moveEntries({ items: [renamed], to: { location: A, path: 'new' } });
		await finished(core, move);
		expect(a.files()['new/todo.txt']).toBe('some notes');

		expect((await core.lastUndo())?.label).toBe('Undo move of 1 item');
		const undoMove = await core.undo();
		expect(undoMove.job).not.toBeNull();
		await finished(core, undoMove.job!);
		expect(a.files()['todo.txt']).toBe('some notes');
		expect((await core.lastUndo())?.kind).toBe('new-folder');
		await core.undo();
		expect(a.at('new')).toBeUndefined();
		expect(await entry(core, { location: A, path: 'new' })).toBeUndefined();
		expect((await core.lastUndo())?.kind).toBe('rename');
		await core.undo();
		expect(a.files()['notes.txt']).toBe('some notes');
		expect((await entry(core, { location: A, path: 'notes.txt' }))?.id).toBe(notes?.id);
		expect(await core.lastUndo()).toBeNull();
	});

	it('renames a folder by moving its files (no folder move in Chromium), keeping ids; undo renames it back', async () => {
		const { core, a, A } = await setup(TREE);
		const folder = await entry(core, { location: A, path: 'photos' });
		const one = await entry(core, { location: A, path: 'photos/one.jpg' });
		const { to, job } = await core.renameEntry({ location: A, path: 'photos' }, 'pictures');
		expect(to.path).toBe('pictures');
		expect(job).not.toBeNull();
		expect((await finished(core, job!)).state).toBe('done');
		expect(a.at('photos')).toBeUndefined();
		expect(a.files()['pictures/deep/three.txt']).toBe('three');
		expect((await entry(core, { location: A, path: 'pictures' }))?.id).toBe(folder?.id);
		expect((await entry(core, { location: A, path: 'pictures/one.jpg' }))?.id).toBe(one?.id);
		expect((await core.lastUndo())?.label).toBe('Undo rename');
		const undo = await core.undo();
		await finished(core, undo.job!);
		expect(a.files()['photos/deep/three.txt']).toBe('three');
		expect(a.at('pictures')).toBeUndefined();
		expect(await core.lastUndo()).toBeNull();
	});

	it('a new folder that is no longer empty is not removed by undo', async () => {
		const { core, a, A } = await setup(TREE);
		await core.createFolder(A, '', 'keep');
		a.put('keep/later.txt', 'added later');
		await expect(core.undo()).rejects.toMatchObject({ code: 'InvalidInput' });
		expect(a.files()['keep/later.txt']).toBe('added later');
	});

	it('moves to the trash and restores with the same entry ids; undo restores; emptying deletes for good', async () => {
		const { core, a, A } = await setup(TREE);
		const two = await entry(core, { location: A, path: 'photos/two.jpg' });
		const trash = await core.trashEntries([
			{ location: A, path: 'photos' },
			{ location: A, path: 'notes.txt' }
		]);
		expect((await finished(core, trash)).state).toBe('done');
		expect(a.at('photos')).toBeUndefined();
		expect(await entry(core, { location: A, path: 'photos' })).toBeUndefined();
		const items = await core.listTrash(A);
		expect(items.map((i) => [i.path, i.isDir, i.files]).sort()).toEqual([
			['notes.txt', false, 1],
			['photos', true, 3]
		]);
		expect(items.find((i) => i.path === 'photos')?.size).toBe(15 + 16 + 5);
		// The trash folder is Orrery's own: never indexed.
		await core.rescanLocation(A);
		await settle(core);
		expect((await core.listChildren(A, '')).map((r) => r.name)).toEqual([]);

		const undo = await core.undo();
		await finished(core, undo.job!);
		expect(a.files()['photos/two.jpg']).toBe('the second photo');
		expect((await entry(core, { location: A, path: 'photos/two.jpg' }))?.id).toBe(two?.id);
		expect(await core.listTrash()).toEqual([]);

		const again = await core.trashEntries([{ location: A, path: 'notes.txt' }]);
		await finished(core, again);
		a.put('notes.txt', 'a new file took its place');
		const [item] = await core.listTrash();
		await finished(core, await core.restoreTrash([item.id]));
		expect(a.files()['notes (2).txt']).toBe('some notes');
		expect(a.files()['notes.txt']).toBe('a new file took its place');

		await finished(core, await core.trashEntries([{ location: A, path: 'notes (2).txt' }]));
		const empty = await core.emptyTrash(A);
		expect((await finished(core, empty!)).state).toBe('done');
		expect(await core.listTrash()).toEqual([]);
		expect(a.paths().filter((p) => p.startsWith('.orrery-trash/') && p !== '.orrery-trash/')).toEqual([]);
		expect(await core.emptyTrash(A)).toBeNull();
	});

	it('deletes for good', async () => {
		const { core, a, A } = await setup(TREE);
		await finished(core, await core.deleteEntries([{ location: A, path: 'photos' }]));
		expect(a.at('photos')).toBeUndefined();
		expect(await entry(core, { location: A, path: 'photos' })).toBeUndefined();
		expect(await core.listTrash()).toEqual([]);
	});

	describe('a name taken at the target', () => {
		async function conflict() {
			const s = await setup(TREE);
			s.b.put('notes.txt', 'already here');
			s.b.put('photos/one.jpg', 'another first photo');
			await s.core.rescanLocation(s.B);
			await settle(s.core);
			return s;
		}
		const items = (A: LocationId): FileRef[] => [
			{ location: A, path: 'notes.txt' },
			{ location: A, path: 'photos' }
		];

		it('asks, and "replace" replaces that file', async () => {
			const { core, b, A, B } = await conflict();
			const job = await core.copyEntries({ items: items(A), to: { location: B, path: '' } });
			const waiting = await finished(core, job);
			expect(waiting.state).toBe('paused');
			const q = waiting.progress.question;
			expect(q?.kind).toBe('conflict');
			if (q?.kind !== 'conflict') return;
			expect(q.target.path).toBe('notes.txt');
			expect(q.target.size).toBe('already here'.length);
			expect(q.source.size).toBe('some notes'.length);
			expect(b.files()['notes.txt']).toBe('already here');
			await core.answerJob(job, { choice: 'replace' });
			// Then the folder: replacing it merges the two, and the file inside is asked about in turn.
			const second = await finished(core, job);
			expect(second.progress.question?.kind === 'conflict' && second.progress.question.target).toMatchObject({
				path: 'photos',
				isDir: true
			});
			await core.answerJob(job, { choice: 'replace' });
			const third = await finished(core, job);
			expect(third.progress.question?.kind === 'conflict' && third.progress.question.target.path).toBe(
				'photos/one.jpg'
			);
			await core.answerJob(job, { choice: 'replace' });
			expect((await finished(core, job)).state).toBe('done');
			expect(b.files()['notes.txt']).toBe('some notes');
			expect(b.files()['photos/one.jpg']).toBe('the first photo');
			expect(b.files()['photos/two.jpg']).toBe('the second photo');
			expect((await entry(core, { location: B, path: 'notes.txt' }))?.size).toBe('some notes'.length);
		});

		it('"keep both" gives the newcomer a numbered name', async () => {
			const { core, b, A, B } = await conflict();
			const job = await core.copyEntries({ items: items(A), to: { location: B, path: '' } });
			await finished(core, job);
			await core.answerJob(job, { choice: 'keep-both', all: true });
			expect((await finished(core, job)).state).toBe('done');
			expect(b.files()['notes.txt']).toBe('already here');
			expect(b.files()['notes (2).txt']).toBe('some notes');
			// A folder kept beside the other: its contents follow it.
			expect(b.files()['photos (2)/deep/three.txt']).toBe('three');
			expect(b.files()['photos/one.jpg']).toBe('another first photo');
			expect(await entry(core, { location: B, path: 'photos (2)/deep/three.txt' })).toBeDefined();
		});

		it('"skip" leaves the target alone (a folder with all in it), and "apply to all" asks no more', async () => {
			const { core, b, A, B } = await conflict();
			const job = await core.copyEntries({ items: items(A), to: { location: B, path: '' } });
			await finished(core, job);
			await core.answerJob(job, { choice: 'skip', all: true });
			const done = await finished(core, job);
			expect(done.state).toBe('done');
			expect(b.files()).toEqual({ 'notes.txt': 'already here', 'photos/one.jpg': 'another first photo' });
			expect(done.progress.files).toBe(done.progress.filesTotal);
		});

		it('a policy given up front is used without asking', async () => {
			const { core, b, A, B } = await conflict();
			const job = await core.copyEntries({ items: items(A), to: { location: B, path: '' }, onConflict: 'keep-both' });
			expect((await finished(core, job)).state).toBe('done');
			expect(b.files()['notes (2).txt']).toBe('some notes');
		});

		it('duplicates are named "name copy"', async () => {
			const { core, a, A } = await setup(TREE);
			await finished(core, await core.duplicateEntries([{ location: A, path: 'notes.txt' }]));
			await finished(core, await core.duplicateEntries([{ location: A, path: 'notes.txt' }]));
			await finished(core, await core.duplicateEntries([{ location: A, path: 'photos' }]));
			expect(a.files()['notes copy.txt']).toBe('some notes');
			expect(a.files()['notes copy 2.txt']).toBe('some notes');
			expect(a.files()['photos copy/deep/three.txt']).toBe('three');
		});
	});

	describe('never overwritten unasked', () => {
		it('two items of one name copied into one folder: the second is asked about, not written over the first', async () => {
			const { core, b, A, B } = await setup({ 'one/same.txt': 'from one', 'two/same.txt': 'from two' });
			const job = await core.copyEntries({
				items: [
					{ location: A, path: 'one/same.txt' },
					{ location: A, path: 'two/same.txt' }
				],
				to: { location: B, path: '' }
			});
			const waiting = await finished(core, job);
			expect(waiting.progress.question?.kind === 'conflict' && waiting.progress.question.target.path).toBe('same.txt');
			expect(b.files()).toEqual({ 'same.txt': 'from one' });
			await core.answerJob(job, { choice: 'keep-both' });
			expect((await finished(core, job)).state).toBe('done');
			expect(b.files()).toEqual({ 'same.txt': 'from one', 'same (2).txt': 'from two' });
		});

		it('a name taken at the target while a batch was written is asked about again', async () => {
			const { core, b, A, B } = await setup({ 'x/a.txt': 'a', 'x/b.txt': 'b', 'x/c.txt': 'c' });
			// Another app writes x/c.txt at the target just as the batch's first file gets its name.
			b.faults.onMove = (name) => {
				if (name.includes('.orrery-partial') && !b.at('x/c.txt')) b.put('x/c.txt', 'written meanwhile');
			};
			const job = await core.copyEntries({ items: [{ location: A, path: 'x' }], to: { location: B, path: '' } });
			const waiting = await finished(core, job);
			expect(waiting.state).toBe('paused');
			expect(waiting.progress.question?.kind === 'conflict' && waiting.progress.question.target.path).toBe('x/c.txt');
			expect(b.files()['x/c.txt']).toBe('written meanwhile');
			await expect(core.answerJob(job, { choice: 'skip', at: 999 })).rejects.toMatchObject({ code: 'InvalidInput' });
			await core.answerJob(job, { choice: 'skip' });
			expect((await finished(core, job)).state).toBe('done');
			expect(b.files()).toEqual({ 'x/a.txt': 'a', 'x/b.txt': 'b', 'x/c.txt': 'written meanwhile' });
			expect(b.paths().some((p) => p.includes('.orrery-partial'))).toBe(false);
		});

		it('"replace" for all never puts a file in place of a folder unasked', async () => {
			const { core, b, A, B } = await setup({ thing: 'a file', 'other.txt': 'o' });
			b.put('thing/inside.txt', 'a folder was here');
			b.put('other.txt', 'old');
			await core.rescanLocation(B);
			await settle(core);
			const job = await core.copyEntries({
				items: [
					{ location: A, path: 'other.txt' },
					{ location: A, path: 'thing' }
				],
				to: { location: B, path: '' },
				onConflict: 'replace'
			});
			const waiting = await finished(core, job);
			expect(waiting.progress.question?.kind === 'conflict' && waiting.progress.question.target.isDir).toBe(true);
			expect(b.files()).toEqual({ 'other.txt': 'o', 'thing/inside.txt': 'a folder was here' });
		});

		it('a folder with an emoji in its path moves with the paths of the folders inside it right', async () => {
			const { core, a, A } = await setup({ '😀 pics/sub/deep.txt': 'deep' });
			await core.createFolder(A, '', 'album');
			await finished(
				core,
				await core.moveEntries({ items: [{ location: A, path: '😀 pics' }], to: { location: A, path: 'album' } })
			);
			expect(a.files()['album/😀 pics/sub/deep.txt']).toBe('deep');
			expect((await core.listChildren(A, 'album/😀 pics/sub')).map((r) => r.name)).toEqual(['deep.txt']);
		});

		it('paths naming Orrery’s working folders or leaving the location are refused', async () => {
			const { core, A, B } = await setup(TREE);
			await expect(core.trashEntries([{ location: A, path: '.orrery-trash' }])).rejects.toMatchObject({
				code: 'InvalidInput'
			});
			await expect(
				core.copyEntries({ items: [{ location: A, path: '../x' }], to: { location: B, path: '' } })
			).rejects.toMatchObject({ code: 'InvalidInput' });
		});
	});

	describe('bad input', () => {
		it('a source file that vanished is asked about; skipping it records why and copies the rest', async () => {
			const { core, a, b, A, B } = await setup(TREE);
			// It vanishes after the plan, as the first file (deep/three.txt) is read.
			const photos = a.at('photos') as MemoryDirHandle;
			a.faults.onRead = (name) => {
				if (name === 'three.txt') photos.entries_.delete('two.jpg');
			};
			const job = await core.copyEntries({ items: [{ location: A, path: 'photos' }], to: { location: B, path: '' } });
			const waiting = await finished(core, job);
			expect(waiting.state).toBe('paused');
			const q = waiting.progress.question;
			expect(q?.kind).toBe('error');
			if (q?.kind !== 'error') return;
			expect(q.error.code).toBe('NotFound');
			expect(q.source.path).toBe('photos/two.jpg');
			await core.answerJob(job, { choice: 'skip' });
			const done = await finished(core, job);
			expect(done.state).toBe('done');
			expect(done.problemCount).toBe(1);
			expect(Object.keys(b.files()).sort()).toEqual(['photos/deep/three.txt', 'photos/one.jpg']);
			expect(await core.jobProblems(job)).toMatchObject([{ path: 'photos/two.jpg', code: 'NotFound' }]);
		});

		it('a full target asks; nothing half-written is left, and "stop" ends the job', async () => {
			const big = 'x'.repeat(1000);
			const { core, b, A, B } = await setup({ 'small.txt': 'small', 'big.bin': big }, {});
			b.faults.quota = 500;
			const job = await core.copyEntries({
				items: [
					{ location: A, path: 'small.txt' },
					{ location: A, path: 'big.bin' }
				],
				to: { location: B, path: '' }
			});
			const waiting = await finished(core, job);
			const q = waiting.progress.question;
			expect(q?.kind === 'error' && q.error.code).toBe('QuotaExceeded');
			expect(b.paths()).toEqual(['small.txt']);
			await core.answerJob(job, { choice: 'stop' });
			expect((await finished(core, job)).state).toBe('cancelled');
			expect(b.paths()).toEqual(['small.txt']);
			expect((await core.listChildren(B, '')).map((r) => r.name)).toEqual(['small.txt']);
		});

		it('a cancelled copy leaves no partial file and nothing in the target index', async () => {
			const { core, a, b, A, B } = await setup({});
			a.put('large.bin', new Uint8Array(4 << 20));
			await core.rescanLocation(A);
			await settle(core);
			let release!: () => void;
			const held = new Promise<void>((r) => (release = r));
			b.faults.onWrite = () => held;
			const job = await core.copyEntries({
				items: [{ location: A, path: 'large.bin' }],
				to: { location: B, path: '' }
			});
			await waitForJobs(core, (js) => js.some((j) => j.id === job && j.state === 'running'), 10_000, FILE_JOBS);
			await new Promise((r) => setTimeout(r, 50));
			const cancelled = core.cancelJob(job);
			setTimeout(release, 50);
			await cancelled;
			expect((await finished(core, job)).state).toBe('cancelled');
			expect(b.paths()).toEqual([]);
			expect(await core.listChildren(B, '')).toEqual([]);
		});

		it('a one-off import is read-only: copying into it is refused with the reason', async () => {
			const { core, A } = await setup(TREE);
			const snap = await core.addLocation({
				name: 'Import',
				kind: 'snapshot',
				files: [{ path: 'x.txt', file: new File(['x'], 'x.txt') }]
			});
			await expect(
				core.copyEntries({ items: [{ location: A, path: 'notes.txt' }], to: { location: snap.id, path: '' } })
			).rejects.toMatchObject({ code: 'NotWritable', message: expect.stringContaining('read-only') });
			await expect(core.trashEntries([{ location: snap.id, path: 'x.txt' }])).rejects.toMatchObject({
				code: 'NotWritable'
			});
		});

		it('write permission withdrawn: the job fails saying which location needs it', async () => {
			const { core, roots, A, B } = await setup(TREE);
			roots.writePermissions.set(B, 'prompt');
			const job = await core.copyEntries({
				items: [{ location: A, path: 'notes.txt' }],
				to: { location: B, path: '' }
			});
			const waiting = await finished(core, job);
			const q = waiting.progress.question;
			expect(q?.kind === 'error' && q.error).toMatchObject({ code: 'PermissionLost', detail: { location: B } });
			roots.writePermissions.delete(B);
			await core.answerJob(job, { choice: 'retry' });
			expect((await finished(core, job)).state).toBe('done');
		});

		it('a folder cannot go inside itself', async () => {
			const { core, A } = await setup(TREE);
			const job = await core.moveEntries({
				items: [{ location: A, path: 'photos' }],
				to: { location: A, path: 'photos/deep' }
			});
			const failed = await finished(core, job);
			expect(failed.state).toBe('failed');
			expect(failed.error?.message).toContain('inside itself');
		});
	});

	it('a copy stopped by a reload goes on from where it was, writing each file once', async () => {
		const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
		const roots = new MemoryRoots();
		const first = (await startWithRoots(storage, roots)).core;
		await first.createLibrary({ name: 'L' });
		const a = new MemoryDirHandle('a');
		const b = new MemoryDirHandle('b');
		for (let i = 0; i < 30; i++) a.put(`many/f${i}.txt`, `file ${i}`);
		const A = crypto.randomUUID() as LocationId;
		const B = crypto.randomUUID() as LocationId;
		roots.handles.set(A, asHandle(a));
		roots.handles.set(B, asHandle(b));
		await first.addLocation({ name: 'A', kind: 'opfs', id: A });
		await first.addLocation({ name: 'B', kind: 'opfs', id: B });
		await settle(first);
		// The first "tab" stops dead inside its 10th file, as if the page were closed there.
		let writes = 0;
		b.faults.onWrite = (_name, written) => (written === 0 && ++writes === 10 ? new Promise(() => {}) : undefined);
		const job = await first.copyEntries({ items: [{ location: A, path: 'many' }], to: { location: B, path: '' } });
		await waitForJobs(first, () => writes >= 10, 10_000, FILE_JOBS);
		first.close();
		b.faults.onWrite = undefined;
		// Ten working files, none under a real name yet: the batch was not finished.
		expect(b.paths().filter((p) => p.startsWith('many/f'))).toEqual([]);

		const second = (await startWithRoots(storage, roots)).core;
		const done = await finished(second, job);
		expect(done.state).toBe('done');
		expect(done.progress.files).toBe(30);
		expect(b.files()).toEqual(a.files());
		expect(await second.listChildren(B, 'many')).toHaveLength(30);
	});

	it('a reload while a batch of files gets its names finishes that batch from its record', async () => {
		const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
		const roots = new MemoryRoots();
		const first = (await startWithRoots(storage, roots)).core;
		await first.createLibrary({ name: 'L' });
		const a = new MemoryDirHandle('a');
		const b = new MemoryDirHandle('b');
		for (let i = 0; i < 30; i++) a.put(`many/f${i}.txt`, `file ${i}`);
		const A = crypto.randomUUID() as LocationId;
		const B = crypto.randomUUID() as LocationId;
		roots.handles.set(A, asHandle(a));
		roots.handles.set(B, asHandle(b));
		await first.addLocation({ name: 'A', kind: 'opfs', id: A });
		await first.addLocation({ name: 'B', kind: 'opfs', id: B });
		await settle(first);
		let moves = 0;
		b.faults.onMove = () => (++moves === 5 ? new Promise(() => {}) : undefined);
		const job = await first.copyEntries({ items: [{ location: A, path: 'many' }], to: { location: B, path: '' } });
		await waitForJobs(first, () => moves >= 5, 10_000, FILE_JOBS);
		first.close();
		b.faults.onMove = undefined;
		const named = b.paths().filter((p) => p.startsWith('many/f'));
		expect(named).toHaveLength(4);

		const second = (await startWithRoots(storage, roots)).core;
		const done = await finished(second, job);
		expect(done.state).toBe('done');
		expect(b.files()).toEqual(a.files());
		expect(await second.listChildren(B, 'many')).toHaveLength(30);
	});
});
