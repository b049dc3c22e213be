import { describe, expect, it } from 'vitest';
import type { BrowseOptions, LocationId } from '../../src/lib/vdfs/api';
import type { Core } from '../../src/lib/vdfs/core';
import type { MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import { heldLocation, libraryWithSource, sqlite, waitForJobs } from './helpers';
import { folderPageSql } from '../../src/lib/vdfs/entries/browse';
import { Sql } from '../../src/lib/vdfs/db/sql';
import { migrate } from '../../src/lib/vdfs/db/migrate';
import { libraryMigrations } from '../../src/lib/vdfs/db/library-schema';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1]);
const png = (mtime: number, pad = 0) => {
	const bytes = new Uint8Array(PNG.length + pad);
	bytes.set(PNG);
	bytes[bytes.length - 1] = pad;
	return { size: bytes.length, mtime, bytes };
};
const text = (s: string, mtime: number) => {
	const bytes = new TextEncoder().encode(s);
	return { size: bytes.length, mtime, bytes };
};

/** A folder whose names, sizes, dates and kinds each sort differently. */
const TREE: MemoryTree = {
	'b.txt': text('bb', 300),
	'A.txt': text('a', 100),
	'c.png': png(200, 40),
	'd.png': png(400, 1),
	'e.md': text('eeee', 250),
	Zeta: {},
	alpha: {}
};

async function indexed(tree: MemoryTree) {
	const { core, id, add } = await libraryWithSource(tree);
	await add();
	await waitForJobs(core, (js) => js.length >= 2 && js.every((j) => j.state === 'done'), 10_000, ['index', 'identify']);
	return { core, id };
}

const names = async (core: Core, id: LocationId, options: BrowseOptions) =>
	(await core.browseFolder(id, '', options)).entries.map((e) => e.name);

describe('browsing a folder', () => {
	it('lists folders first, then sorts by name without case, by size, kind or date, either way', async () => {
		const { core, id } = await indexed(TREE);
		expect(await names(core, id, {})).toEqual(['alpha', 'Zeta', 'A.txt', 'b.txt', 'c.png', 'd.png', 'e.md']);
		expect(await names(core, id, { descending: true })).toEqual([
			'Zeta',
			'alpha',
			'e.md',
			'd.png',
			'c.png',
			'b.txt',
			'A.txt'
		]);
		expect(await names(core, id, { sort: 'size', descending: true })).toEqual([
			'alpha',
			'Zeta',
			'c.png',
			'd.png',
			'e.md',
			'b.txt',
			'A.txt'
		]);
		expect(await names(core, id, { sort: 'mtime' })).toEqual([
			'alpha',
			'Zeta',
			'A.txt',
			'c.png',
			'e.md',
			'b.txt',
			'd.png'
		]);
		// image < text; among texts, by extension (md < txt), then name.
		expect(await names(core, id, { sort: 'kind' })).toEqual([
			'alpha',
			'Zeta',
			'c.png',
			'd.png',
			'e.md',
			'A.txt',
			'b.txt'
		]);
		const view = await core.browseFolder(id, '', {});
		expect(view.entries.find((e) => e.name === 'c.png')).toMatchObject({ kind: 'image', thumb: false, takenAt: null });
		expect(view.entries.find((e) => e.name === 'alpha')).toMatchObject({ kind: 'folder', isDir: true });
	});

	it('returns windows that join up into the whole listing, with the total of the folder', async () => {
		const tree: MemoryTree = {};
		for (let i = 0; i < 250; i++) tree[`f${String(i).padStart(3, '0')}.txt`] = text('x'.repeat(i % 7), i);
		const { core, id } = await indexed(tree);
		for (const sort of ['name', 'size', 'mtime', 'kind'] as const) {
			const whole = (await core.browseFolder(id, '', { sort, limit: 1000 })).entries.map((e) => e.name);
			const joined: string[] = [];
			for (let offset = 0; offset < 250; offset += 64) {
				const view = await core.browseFolder(id, '', { sort, offset, limit: 64 });
				expect(view).toMatchObject({ offset, total: 250 });
				joined.push(...view.entries.map((e) => e.name));
			}
			expect(joined).toEqual(whole);
			expect(new Set(joined).size).toBe(250);
		}
	});

	it('keeps only images and videos for the media view', async () => {
		const { core, id } = await indexed(TREE);
		const view = await core.browseFolder(id, '', { only: 'media' });
		expect(view.entries.map((e) => e.name)).toEqual(['c.png', 'd.png']);
		expect(view.total).toBe(2);
	});

	it('sorts names in natural order: numbers by value, case and leading zeros aside', async () => {
		const tree: MemoryTree = {};
		const shuffled = ['IMG_10.jpg', 'img_2.jpg', 'IMG_1.jpg', 'v1.10', 'v1.9', 'a007', 'a7', 'a10', 'b', 'A1b'];
		for (const name of shuffled) tree[name] = text(name, 1);
		const natural = ['A1b', 'a007', 'a7', 'a10', 'b', 'IMG_1.jpg', 'img_2.jpg', 'IMG_10.jpg', 'v1.9', 'v1.10'];
		const { core, id } = await indexed(tree);
		expect(await names(core, id, {})).toEqual(natural);
		expect(await names(core, id, { descending: true })).toEqual([...natural].reverse());
		// The same order before the index reaches a folder (listed from disk).
		const held = await heldLocation({ held: {}, ...tree }, 'held');
		try {
			const view = await held.core.browseFolder(held.id, '', {});
			expect(view.from).toBe('disk');
			expect(view.entries.map((e) => e.name)).toEqual(['held', ...natural]);
		} finally {
			held.release();
		}
	});

	it('reads a folder by name, A to Z, in index order: no sort of the whole folder', async () => {
		const sql = new Sql(new (await sqlite()).oo1.DB(':memory:'));
		migrate(sql, libraryMigrations, 'library');
		const plan = (options: BrowseOptions) =>
			sql
				.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${folderPageSql(options)}`, [1, 200, 0])
				.map((r) => r.detail)
				.join('\n');
		expect(plan({})).toContain('USING INDEX entry_child_order');
		expect(plan({})).not.toContain('TEMP B-TREE');
		// Other orders sort (the check above can fail).
		expect(plan({ sort: 'size' })).toContain('TEMP B-TREE');
	});

	it('sorts and windows a folder listed from disk before the first index reaches it', async () => {
		const { core, id, release } = await heldLocation({ held: {}, ...TREE }, 'held');
		try {
			const view = await core.browseFolder(id, '', { sort: 'size', descending: true, offset: 1, limit: 4 });
			expect(view.from).toBe('disk');
			expect(view.total).toBe(8);
			expect(view.entries.map((e) => e.name)).toEqual(['held', 'Zeta', 'c.png', 'd.png']);
			expect(view.entries[2]).toMatchObject({ kind: 'image', id: null });
		} finally {
			release();
		}
	});
});

describe('type-to-find', () => {
	it('says where the first name with a prefix stands in the current order, in any case', async () => {
		const { core, id } = await indexed(TREE);
		expect(await core.locateInFolder(id, '', 'z')).toBe(1);
		expect(await core.locateInFolder(id, '', 'B')).toBe(3);
		expect(await core.locateInFolder(id, '', 'b', { sort: 'size', descending: true })).toBe(5);
		expect(await core.locateInFolder(id, '', 'c', { only: 'media' })).toBe(0);
		expect(await core.locateInFolder(id, '', 'nothing')).toBeNull();
		// LIKE's wildcards are plain characters here.
		expect(await core.locateInFolder(id, '', '%')).toBeNull();
		expect(await core.locateInFolder(id, '', '_')).toBeNull();
	});
});
