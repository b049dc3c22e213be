import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import type { LocationId } from '../../src/lib/vdfs/api';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import {
	addMemoryLocation as addLocation,
	gridTree as tree,
	sqlite,
	startWithRoots as start,
	waitForJobs as waitFor
} from './helpers';

describe('jobs', () => {
	it('adding a location queues an index job that runs to done with typed progress', async () => {
		const { core, roots } = await start();
		await core.createLibrary({ name: 'L' });
		const loc = await addLocation(core, roots, tree(5, 20));
		const [job] = await waitFor(core, (j) => j[0]?.state === 'done');
		expect(job).toMatchObject({ kind: 'index', locationId: loc, locationName: 'Home', problemCount: 0, error: null });
		expect(job.progress).toMatchObject({ phase: 'done', files: 100, bytes: 5 * 210, done: 6, total: 6 });
		expect((await core.listLocations())[0]).toMatchObject({ totalFiles: 100, totalDirs: 5, totalBytes: 1050 });
		expect(job.startedAt).not.toBeNull();
		expect(job.finishedAt).not.toBeNull();
	});

	it('a reload mid-index resumes from the checkpoint and ends with exactly one row per file', async () => {
		const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
		const roots = new MemoryRoots();
		const first = await start(storage, roots);
		await first.core.createLibrary({ name: 'L' });
		const files = tree(40, 50);
		// The first "tab" stops dead on its 15th folder, as if the page were closed there.
		const id = crypto.randomUUID() as LocationId;
		await roots.attach({ id });
		const source = roots.sources.get(id)!;
		source.tree = files;
		const list = source.list.bind(source);
		let listed = 0;
		source.list = (dir, signal) => (++listed === 15 ? new Promise(() => {}) : list(dir, signal));
		await first.core.addLocation({ name: 'Big', kind: 'opfs', id });
		await waitFor(first.core, (j) => j[0]?.progress.done >= 14);
		first.core.close();
		source.list = list;

		const second = await start(storage, roots);
		const [job] = await waitFor(second.core, (j) => j[0]?.state === 'done');
		expect(job.progress.files).toBe(2000);
		const stats = await second.core.libraryStats();
		expect(stats.entries).toBe(2000 + 40);
		const rows = await second.core.listChildren(id, 'dir 7');
		expect(rows).toHaveLength(50);
	});

	it('pause, resume and cancel; a rescan of an unchanged tree writes nothing', async () => {
		const { core, roots } = await start();
		await core.createLibrary({ name: 'L' });
		const id = crypto.randomUUID() as LocationId;
		await roots.attach({ id });
		const source = roots.sources.get(id)!;
		source.tree = tree(30, 10);
		let gate: (() => void) | null = null;
		const list = source.list.bind(source);
		source.list = async (dir, signal) => {
			if (dir === 'dir 5') await new Promise<void>((r) => (gate = r));
			return list(dir, signal);
		};
		await core.addLocation({ name: 'Home', kind: 'opfs', id });
		await waitFor(core, () => gate !== null);
		const [running] = await core.listJobs();
		const paused = core.pauseJob(running.id);
		gate!();
		await paused;
		expect((await core.listJobs())[0].state).toBe('paused');
		source.list = list;
		await core.resumeJob(running.id);
		const [done] = await waitFor(core, (j) => j[0].state === 'done');
		expect(done.progress.files).toBe(300);

		const rescan = await core.rescanLocation(id);
		const [again] = await waitFor(core, (j) => j[0].id === rescan && j[0].state === 'done');
		expect(again.progress.files).toBe(300);
		const entriesBefore = (await core.libraryStats()).entries;
		expect(entriesBefore).toBe(330);

		source.set('dir 0/new.txt', { size: 5, mtime: 2 });
		const third = await core.rescanLocation(id);
		await core.cancelJob(third);
		const jobs = await core.listJobs();
		expect(jobs.find((j) => j.id === third)?.state).toBe('cancelled');
		await expect(core.resumeJob(jobs.find((j) => j.id === third)!.id)).rejects.toMatchObject({ code: 'InvalidInput' });
	});

	it('lost permission fails the job with a clear message; granting it again and rescanning works', async () => {
		const { core, roots } = await start();
		await core.createLibrary({ name: 'L' });
		const loc = await addLocation(core, roots, tree(2, 2));
		await waitFor(core, (j) => j[0]?.state === 'done');
		roots.permissions.set(loc, 'prompt');
		expect(await core.locationPermission(loc)).toBe('prompt');
		const job = await core.rescanLocation(loc);
		const [failed] = await waitFor(core, (j) => j[0].id === job && j[0].state === 'failed');
		expect(failed.error).toMatchObject({ code: 'PermissionLost' });
		expect(failed.error?.message).toMatch(/permission/);
		roots.permissions.set(loc, 'granted');
		await core.resumeJob(job);
		await waitFor(core, (j) => j[0].id === job && j[0].state === 'done');
	});

	it('problems with single files are kept with the job and the rest is indexed', async () => {
		const { core, roots } = await start();
		await core.createLibrary({ name: 'L' });
		await addLocation(core, roots, {
			'ok.txt': { size: 1, mtime: 1 },
			'locked.bin': { size: 2, mtime: 1, unreadable: true }
		});
		const [job] = await waitFor(core, (j) => j[0]?.state === 'done');
		expect(job.problemCount).toBe(1);
		expect(await core.jobProblems(job.id)).toEqual([
			{ path: 'locked.bin', code: 'NotReadable', message: '“locked.bin” cannot be read.' }
		]);
	});

	it('removing a location takes its index and jobs out and leaves a tombstone', async () => {
		const { core, roots } = await start();
		await core.createLibrary({ name: 'L' });
		const loc = await addLocation(core, roots, tree(3, 3));
		await waitFor(core, (j) => j[0]?.state === 'done');
		await core.removeLocation(loc);
		expect(await core.listLocations()).toEqual([]);
		expect(await core.listJobs()).toEqual([]);
		expect(await core.libraryStats()).toEqual({ locations: 0, entries: 0, bytes: 0 });
		expect(roots.sources.has(loc)).toBe(false);
	});
});
