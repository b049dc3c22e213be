import { describe, expect, it } from 'vitest';
import type { MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import { PHOTO, PHOTO_META, headerOnlyJpeg, withExif } from '../fixtures/exif';
import { Core } from '../../src/lib/vdfs/core';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import { LocalHasher } from '../../src/lib/vdfs/identity/hasher';
import { libraryWithSource, memorySource, sqlite, waitForJobs } from './helpers';

const file = (bytes: Uint8Array, mtime = 1) => ({ size: bytes.length, mtime, bytes });

async function indexed(tree: MemoryTree) {
	const { core, id, add } = await libraryWithSource(tree);
	await add();
	const kinds = ['index', 'identify', 'media'] as const;
	await waitForJobs(
		core,
		(js) => js.some((j) => j.kind === 'media') && js.every((j) => j.state === 'done'),
		10_000,
		kinds
	);
	return { core, id };
}

describe('media jobs', () => {
	it('follow content ids and store dimensions, date taken and EXIF once per content', async () => {
		const photo = withExif(headerOnlyJpeg(4000, 3000));
		const older = withExif(headerOnlyJpeg(800, 600));
		older.set(new TextEncoder().encode('2019:01:02 03:04:05'), findDate(older));
		const { core, id } = await indexed({
			'a.jpg': file(photo),
			'copy of a.jpg': file(photo),
			'b.jpg': file(older),
			'plain.jpg': file(headerOnlyJpeg(10, 20)),
			'notes.txt': file(new TextEncoder().encode('no pictures here'))
		});
		const jobs = await core.listJobs();
		expect(jobs.filter((j) => j.kind === 'media')).toHaveLength(1);
		// Three contents: the two copies of a.jpg share one.
		expect(jobs.find((j) => j.kind === 'media')?.progress).toMatchObject({ files: 3, total: 3, written: 3 });

		const view = await core.browseFolder(id, '', { sort: 'taken' });
		expect(view.entries.map((e) => [e.name, e.takenAt, e.width, e.height])).toEqual([
			['b.jpg', Date.UTC(2019, 0, 2, 3, 4, 5), 800, 600],
			['a.jpg', PHOTO.takenAt, 4000, 3000],
			['copy of a.jpg', PHOTO.takenAt, 4000, 3000],
			// No date taken: after those with one, by date modified.
			['notes.txt', null, null, null],
			['plain.jpg', null, 10, 20]
		]);

		const details = await core.entryDetails(view.entries[1].id!);
		expect(details.media).toEqual({
			width: 4000,
			height: 3000,
			duration: null,
			takenAt: PHOTO.takenAt,
			...PHOTO_META,
			// Node has no canvas: thumbnails are the browser's (e2e).
			thumb: false
		});
		expect((await core.entryDetails(view.entries[3].id!)).media).toBeNull();
	});

	it('keep every result when batches are written while other photos are still being read', async () => {
		// More photos than one write batch (100), read four at a time, each taking its own time
		// (as in workers), so batches are written while other reads are under way.
		const tree: MemoryTree = {};
		for (let i = 0; i < 230; i++) tree[`p${i}.jpg`] = file(headerOnlyJpeg(100 + i, 50));
		const hasher = new LocalHasher();
		const read = hasher.media.bind(hasher);
		hasher.media = async (...args) => {
			const result = await read(...args);
			await new Promise((r) => setTimeout(r, Math.random() * 4));
			return result;
		};
		const roots = new MemoryRoots();
		const core = await Core.start({ storage: new MemoryStorage(await sqlite(), crypto.randomUUID()), roots, hasher });
		await core.createLibrary({ name: 'L' });
		const { id } = await memorySource(roots, tree);
		await core.addLocation({ name: 'Home', kind: 'opfs', id });
		await waitForJobs(core, (js) => js.some((j) => j.kind === 'media') && js.every((j) => j.state === 'done'), 20_000, [
			'index',
			'identify',
			'media'
		]);
		const view = await core.browseFolder(id, '', { limit: 1000 });
		expect(view.entries.filter((e) => e.width === null).map((e) => e.name)).toEqual([]);
		expect(new Set(view.entries.map((e) => e.width)).size).toBe(230);
	});

	it('report a photo that vanished before it was read and read the rest', async () => {
		const { core, id, add, source } = await libraryWithSource({
			'a.jpg': file(withExif(headerOnlyJpeg(40, 30))),
			'b.jpg': file(headerOnlyJpeg(50, 60))
		});
		// b.jpg is gone by the time the media job opens it.
		const open = source.file.bind(source);
		let identified = 0;
		source.file = async (path) => {
			if (path === 'b.jpg' && ++identified > 1) throw Object.assign(new Error('gone'), { name: 'NotFoundError' });
			return open(path);
		};
		await add();
		await waitForJobs(core, (js) => js.some((j) => j.kind === 'media') && js.every((j) => j.state === 'done'), 10_000, [
			'index',
			'identify',
			'media'
		]);
		const media = (await core.listJobs()).find((j) => j.kind === 'media')!;
		expect(media.problemCount).toBe(1);
		expect((await core.jobProblems(media.id))[0]).toMatchObject({ path: 'b.jpg', code: 'NotFound' });
		const view = await core.browseFolder(id, '');
		expect(view.entries.map((e) => [e.name, e.width])).toEqual([
			['a.jpg', 40],
			['b.jpg', null]
		]);
	});
});

/** Where the test EXIF's date taken sits in a JPEG. */
function findDate(bytes: Uint8Array): number {
	const text = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
	const at = text.indexOf(PHOTO.taken);
	if (at < 0) throw new Error('no date in the test EXIF');
	return at;
}
