import { describe, expect, it } from 'vitest';
import type { MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import { PHOTO, PHOTO_META, headerOnlyJpeg, withExif } from '../fixtures/exif';
import { Core } from '../../src/lib/vdfs/core';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import { LocalHasher } from '../../src/lib/vdfs/identity/hasher';
import { VdfsError } from '../../src/lib/vdfs/errors';
import { LentProbe, type MediaProbe } from '../../src/lib/vdfs/media/playable';
import { MEDIA_SQL } from '../../src/lib/vdfs/media/media-job';
import { Sql } from '../../src/lib/vdfs/db/sql';
import { migrate } from '../../src/lib/vdfs/db/migrate';
import { libraryMigrations } from '../../src/lib/vdfs/db/library-schema';
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

	it('read videos and audio through the page’s probe: duration and size; one it cannot play keeps its icon', async () => {
		const asked: string[] = [];
		// Media elements exist only on a page (e2e media.spec covers the real one); this stands in.
		const probe: MediaProbe = {
			async probe(file, kind, size) {
				asked.push(`${file.name} ${kind} ${size}`);
				if (file.name === 'broken.mp4') throw new VdfsError('Unsupported', 'This browser cannot play “broken.mp4”.');
				return kind === 'video'
					? { duration: 12.5, width: 1920, height: 1080, frame: null }
					: { duration: 181, width: null, height: null, frame: null };
			}
		};
		const roots = new MemoryRoots();
		const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
		const core = await Core.start({ storage, roots, mediaProbe: probe });
		await core.createLibrary({ name: 'L' });
		const { id } = await memorySource(roots, {
			'clip.webm': file(Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3])),
			'copy.webm': file(Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3])),
			'song.mp3': file(Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 9])),
			'broken.mp4': file(Uint8Array.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32]))
		});
		await core.addLocation({ name: 'Home', kind: 'opfs', id });
		await waitForJobs(core, (js) => js.some((j) => j.kind === 'media') && js.every((j) => j.state === 'done'), 10_000, [
			'index',
			'identify',
			'media'
		]);
		// One copy of each content; videos ask for a frame, audio for none.
		expect(asked.sort()).toEqual(['broken.mp4 video 256', 'clip.webm video 256', 'song.mp3 audio 0']);
		const view = await core.browseFolder(id, '');
		expect(view.entries.map((e) => [e.name, e.kind, e.duration, e.width, e.height, e.thumb])).toEqual([
			['broken.mp4', 'video', null, null, null, false],
			['clip.webm', 'video', 12.5, 1920, 1080, false],
			['copy.webm', 'video', 12.5, 1920, 1080, false],
			['song.mp3', 'audio', 181, null, null, false]
		]);
		const media = (await core.listJobs()).find((j) => j.kind === 'media')!;
		expect(media.problemCount).toBe(0);
		expect((await core.entryDetails(view.entries[3].id!)).media).toMatchObject({ duration: 181, width: null });
	});

	it('find unread contents by their own index, not by scanning the location’s entries', async () => {
		const sql = new Sql(new (await sqlite()).oo1.DB(':memory:'));
		migrate(sql, libraryMigrations, 'library');
		const args = { locations: [], any: [1], count: [1], page: [1, '', 500] };
		for (const [name, query] of Object.entries(MEDIA_SQL)) {
			const plan = sql
				.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, args[name as keyof typeof args])
				.map((r) => r.detail);
			// The first step reads the unread contents by their index; entries only by content id.
			expect(plan[0], name).toMatch(/^(SEARCH|SCAN) c USING (COVERING )?INDEX content_media_unread/);
			expect(plan.join('\n'), name).not.toMatch(/SCAN (e|entry)\b/);
		}
	});

	it('wait for a page to lend its probe, and report videos as problems to retry when none comes', async () => {
		const lent = new LentProbe(50);
		const file = new File([new Uint8Array(4)], 'clip.webm');
		await expect(lent.probe(file, 'video', 256)).rejects.toMatchObject({ code: 'NotReadable' });
		const later = lent.probe(file, 'video', 256);
		lent.lend({ probe: async () => ({ duration: 3, width: 2, height: 1, frame: null }) });
		await expect(later).resolves.toMatchObject({ duration: 3 });
	});
});

/** Where the test EXIF's date taken sits in a JPEG. */
function findDate(bytes: Uint8Array): number {
	const text = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
	const at = text.indexOf(PHOTO.taken);
	if (at < 0) throw new Error('no date in the test EXIF');
	return at;
}
