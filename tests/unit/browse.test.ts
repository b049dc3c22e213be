import { describe, expect, it, vi } from 'vitest';
import { STALE_AFTER_MS } from '../../src/lib/vdfs/entries/browse';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import { addMemoryLocation, gridTree, heldLocation, startWithRoots, waitForJobs } from './helpers';

describe('browse first, index after', () => {
	it('a folder opens from disk while the first index has not reached it, then from the index', async () => {
		// The walk's listing of one folder is held, so the index stays incomplete.
		const { core, id, release } = await heldLocation(
			{ ...gridTree(3, 4), '.DS_Store': { size: 1, mtime: 1 }, 'top.txt': { size: 9, mtime: 4 } },
			'dir 1'
		);

		const early = await core.browseFolder(id, 'dir 1');
		expect(early).toMatchObject({ from: 'disk', indexing: true, total: 4 });
		expect(early.entries.map((e) => [e.name, e.size, e.id])).toEqual([
			['file-0.txt', 1, null],
			['file-1.txt', 2, null],
			['file-2.txt', 3, null],
			['file-3.txt', 4, null]
		]);
		const root = await core.browseFolder(id, '');
		expect(root.from).toBe('disk');
		// Folders first, and the rules apply (no .DS_Store).
		expect(root.entries.map((e) => e.name)).toEqual(['dir 0', 'dir 1', 'dir 2', 'top.txt']);

		release();
		await waitForJobs(core, (js) => js[0]?.state === 'done');
		const after = await core.browseFolder(id, 'dir 1', { limit: 2 });
		expect(after).toMatchObject({ from: 'index', indexing: false, total: 4 });
		expect(after.entries).toHaveLength(2);
		expect(after.entries[0].id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('a folder that is gone gives a clear error', async () => {
		const roots = new MemoryRoots();
		const { core } = await startWithRoots(undefined, roots);
		await core.createLibrary({ name: 'L' });
		const id = await addMemoryLocation(core, roots, gridTree(1, 1));
		await waitForJobs(core, (js) => js[0]?.state === 'done');
		await expect(core.browseFolder(id, 'nowhere')).rejects.toMatchObject({ code: 'NotFound' });
	});

	it('opening a location indexed a while ago rescans it; a fresh one is left alone', async () => {
		const roots = new MemoryRoots();
		const { core } = await startWithRoots(undefined, roots);
		await core.createLibrary({ name: 'L' });
		const id = await addMemoryLocation(core, roots, gridTree(2, 2));
		await waitForJobs(core, (js) => js[0]?.state === 'done');
		expect(await core.openLocation(id)).toBeNull();
		const now = Date.now();
		const spy = vi.spyOn(Date, 'now').mockReturnValue(now + STALE_AFTER_MS + 1000);
		try {
			const job = await core.openLocation(id);
			expect(job).not.toBeNull();
			// Asked again while it is queued or running: nothing more.
			expect(await core.openLocation(id)).toBeNull();
		} finally {
			spy.mockRestore();
		}
		await waitForJobs(core, (js) => js.length === 2 && js.every((j) => j.state === 'done'));
	});
});
