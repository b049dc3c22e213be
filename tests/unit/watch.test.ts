import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/lib/vdfs/core';
import type { JobSummary, LocationId } from '../../src/lib/vdfs/api';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import type { MemorySource } from '../../src/lib/vdfs/fs/memory-source';
import type { DirListing, ListOptions } from '../../src/lib/vdfs/fs/source';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { addMemoryLocation, gridTree, heldLocation, sqlite, startWithRoots, waitForJobs } from './helpers';

/** Every job done; returns the newest. */
async function settled(core: Core): Promise<JobSummary> {
	const jobs = await waitForJobs(core, (js) => js.length > 0 && js.every((j) => j.state === 'done'));
	return jobs[0];
}

/** Records which folders a source listed, and how many files it read sizes for. */
function spy(source: MemorySource) {
	const seen = { dirs: [] as string[], statted: 0 };
	const list = source.list.bind(source);
	source.list = async (dir: string, signal?: AbortSignal, options?: ListOptions): Promise<DirListing> => {
		seen.dirs.push(dir);
		const listing = await list(dir, signal, options);
		seen.statted += listing.entries.filter((e) => !e.isDir && !e.unread).length;
		return listing;
	};
	return seen;
}

async function watched(roots = new MemoryRoots()) {
	const { core } = await startWithRoots(undefined, roots);
	await core.createLibrary({ name: 'L' });
	const loc = await addMemoryLocation(core, roots, gridTree(10, 10));
	await settled(core);
	return { core, roots, loc, source: roots.sources.get(loc)! };
}

async function fileNames(core: Core, loc: LocationId, dir: string): Promise<string[]> {
	return (await core.listChildren(loc, dir)).map((e) => e.name).sort();
}

describe('watched locations', () => {
	it('a rescan after an unbroken watch reads sizes only where the watch saw changes', async () => {
		const { core, roots, loc, source } = await watched();
		const seen = spy(source);
		source.set('dir 3/file-0.txt', { size: 999, mtime: 5 });
		roots.notify(loc, { dirs: ['dir 3'] });
		// The live update runs on its own once the changes settle.
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		expect(seen.dirs).toEqual(['dir 3']);
		expect((await core.listLocations())[0].totalBytes).toBe(10 * 55 - 1 + 999);

		seen.dirs = [];
		seen.statted = 0;
		const rescan = await core.rescanLocation(loc);
		const job = (await waitForJobs(core, (js) => js.some((j) => j.id === rescan && j.state === 'done')))[0];
		expect(job.progress.files).toBe(100);
		expect(job.progress.written).toBe(0);
		expect(seen.dirs).toHaveLength(11);
		expect(seen.statted).toBe(0);
	});

	it('a full rescan reads every file, catching what no watch reported', async () => {
		const { core, loc, source } = await watched();
		// Changed behind the watch's back (as on a platform that misses records).
		source.set('dir 1/file-1.txt', { size: 7777, mtime: 9 });
		const quick = await core.rescanLocation(loc);
		await waitForJobs(core, (js) => js.some((j) => j.id === quick && j.state === 'done'));
		expect((await core.listLocations())[0].totalBytes).toBe(550);
		const full = await core.rescanLocation(loc, { full: true });
		await waitForJobs(core, (js) => js.some((j) => j.id === full && j.state === 'done'));
		expect((await core.listLocations())[0].totalBytes).toBe(550 - 2 + 7777);
	});

	it('a live update adds new folders in full and removes deleted ones', async () => {
		const { core, roots, loc, source } = await watched();
		source.set('dir 2/fresh/deeper/a.txt', { size: 3, mtime: 1 });
		source.set('dir 4', undefined);
		roots.notify(loc, { dirs: ['dir 2', 'dir 2/fresh', ''] });
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		expect(await fileNames(core, loc, 'dir 2/fresh/deeper')).toEqual(['a.txt']);
		expect(await fileNames(core, loc, '')).not.toContain('dir 4');
		expect((await core.listLocations())[0]).toMatchObject({ totalFiles: 91, totalDirs: 11 });
	});

	it('changes inside a skipped folder relist the nearest indexed folder only', async () => {
		const { core, roots, loc, source } = await watched();
		const seen = spy(source);
		source.set('dir 5/node_modules/pkg/index.js', { size: 10, mtime: 1 });
		roots.notify(loc, { dirs: ['dir 5/node_modules/pkg'] });
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		expect(seen.dirs).toEqual(['dir 5']);
		expect(await fileNames(core, loc, 'dir 5')).not.toContain('node_modules');
	});

	it('lost records make the next walk read everything', async () => {
		const { core, roots, loc, source } = await watched();
		source.set('dir 0/file-0.txt', { size: 100, mtime: 3 });
		roots.notify(loc, { lost: 'unknown' });
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		expect((await core.listLocations())[0].totalBytes).toBe(550 - 1 + 100);
	});

	it('where nothing can be watched, every rescan reads every file', async () => {
		const roots = new MemoryRoots();
		roots.watchable = false;
		const { core, loc, source } = await watched(roots);
		const seen = spy(source);
		await core.rescanLocation(loc);
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		expect(seen.statted).toBe(100);
	});

	it('a live update after a restart does not vouch for the rest: the next rescan reads everything', async () => {
		const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
		const roots = new MemoryRoots();
		const first = await startWithRoots(storage, roots);
		await first.core.createLibrary({ name: 'L' });
		const loc = await addMemoryLocation(first.core, roots, gridTree(3, 3));
		await settled(first.core);
		first.core.close();
		// Changed while Orrery was closed: no watch saw it.
		const source = roots.sources.get(loc)!;
		source.set('dir 0/file-0.txt', { size: 500, mtime: 9 });
		const { core } = await startWithRoots(storage, roots);
		await waitUntil(() => roots.watchers.has(loc));
		source.set('dir 1/new.txt', { size: 1, mtime: 1 });
		roots.notify(loc, { dirs: ['dir 1'] });
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		const rescan = await core.rescanLocation(loc);
		await waitForJobs(core, (js) => js.some((j) => j.id === rescan && j.state === 'done'));
		expect((await core.listLocations())[0].totalBytes).toBe(3 * 6 - 1 + 500 + 1);
	});

	it('a live update below the root honours the .gitignore files above it', async () => {
		const roots = new MemoryRoots();
		const { core } = await startWithRoots(undefined, roots);
		await core.createLibrary({ name: 'L' });
		const loc = await addMemoryLocation(core, roots, {
			'.gitignore': { size: 0, mtime: 1, bytes: new TextEncoder().encode('build/\n*.log\n') },
			pkg: { 'a.txt': { size: 1, mtime: 1 } }
		});
		await settled(core);
		const source = roots.sources.get(loc)!;
		source.set('pkg/build/out.js', { size: 5, mtime: 1 });
		source.set('pkg/debug.log', { size: 5, mtime: 1 });
		source.set('pkg/b.txt', { size: 2, mtime: 1 });
		roots.notify(loc, { dirs: ['pkg', 'pkg/build'] });
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
		expect(await fileNames(core, loc, 'pkg')).toEqual(['a.txt', 'b.txt']);
	});

	it('a change seen while the user has paused the job leaves it paused', async () => {
		const { core, roots, id, job, release } = await heldLocation(gridTree(4, 2), 'dir 2');
		await core.pauseJob(job.id);
		roots.notify(id, { dirs: ['dir 0'] });
		await new Promise((r) => setTimeout(r, 1500));
		expect((await core.listJobs()).map((j) => j.state)).toEqual(['paused']);
		release();
		await core.resumeJob(job.id);
		await waitForJobs(core, (js) => js.every((j) => j.state === 'done'));
	});
});

async function waitUntil(ok: () => boolean): Promise<void> {
	for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
	if (!ok()) throw new Error('timed out');
}
