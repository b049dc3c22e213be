import { describe, expect, it } from 'vitest';
import { libraryFileName } from '../../src/lib/vdfs/db/library-schema';
import type { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import type { LibraryId, LocationId } from '../../src/lib/vdfs/ids';
import type { Core } from '../../src/lib/vdfs/core';
import { startCore } from './helpers';

/** Reads a library file directly, with the core closed. */
function inspect<T>(storage: MemoryStorage, id: LibraryId, query: string): T[] {
	const sql = storage.open(libraryFileName(id));
	try {
		sql.exec('PRAGMA locking_mode = EXCLUSIVE');
		return sql.all<T>(query);
	} finally {
		sql.close();
	}
}

async function withLocation(): Promise<{ core: Core; storage: MemoryStorage; lib: LibraryId; loc: LocationId }> {
	const { core, storage } = await startCore();
	const lib = (await core.createLibrary({ name: 'L' })).id;
	const loc = (await core.createLocation({ name: 'Home', kind: 'opfs' })).id;
	return { core, storage, lib, loc };
}

describe('entries keep the index true', () => {
	it('a failed batch rolls back and the next batch works without a restart', async () => {
		const { core, loc } = await withLocation();
		const bad = [
			{ path: 'ok.txt', isDir: false, size: 1, mtime: 1 },
			{ path: 'bad.txt', isDir: false, size: 'huge' as unknown as number, mtime: 1 }
		];
		await expect(core.putEntries(loc, bad)).rejects.toThrow();
		expect(await core.listChildren(loc, '')).toEqual([]);
		expect(await core.putEntries(loc, [{ path: 'good.txt', isDir: false, size: 2, mtime: 2 }])).toBe(1);
	});

	it('an unchanged rescan uses no sequence number; each changed row gets the next one', async () => {
		const { core, storage, lib, loc } = await withLocation();
		const tree = [
			{ path: 'a', isDir: false, size: 1, mtime: 1 },
			{ path: 'b', isDir: false, size: 1, mtime: 1 }
		];
		await core.putEntries(loc, tree);
		await core.putEntries(loc, tree);
		await core.putEntries(loc, [{ path: 'b', isDir: false, size: 2, mtime: 2 }]);
		core.close();
		const rows = inspect<{ name: string; seq: number }>(
			storage,
			lib,
			"SELECT name, seq FROM entry WHERE name != '' ORDER BY name"
		);
		const next = inspect<{ next_seq: number }>(storage, lib, 'SELECT next_seq FROM device')[0].next_seq;
		expect(rows[1].seq).toBe(rows[0].seq + 2);
		expect(next).toBe(rows[1].seq + 1);
	});

	it('a changed file loses its content id; an unchanged one keeps it', async () => {
		const { core, storage, lib, loc } = await withLocation();
		await core.putEntries(loc, [
			{ path: 'same', isDir: false, size: 5, mtime: 5 },
			{ path: 'edited', isDir: false, size: 5, mtime: 5 }
		]);
		core.close();
		const sql = storage.open(libraryFileName(lib));
		sql.exec("PRAGMA locking_mode = EXCLUSIVE; UPDATE entry SET cas_id = 'abcdabcdabcdabcd' WHERE name != ''");
		sql.close();
		const { core: again } = await startCore(storage);
		await again.putEntries(loc, [
			{ path: 'same', isDir: false, size: 5, mtime: 5 },
			{ path: 'edited', isDir: false, size: 6, mtime: 9 }
		]);
		const byName = Object.fromEntries((await again.listChildren(loc, '')).map((e) => [e.name, e.casId]));
		expect(byName).toEqual({ edited: null, same: 'abcdabcdabcdabcd' });
	});

	it('a folder replaced by a file takes its subtree out of the index and the search', async () => {
		const { core, loc } = await withLocation();
		await core.putEntries(loc, [
			{ path: 'thing', isDir: true, size: 0, mtime: 1 },
			{ path: 'thing/inner', isDir: true, size: 0, mtime: 1 },
			{ path: 'thing/inner/deep-needle.txt', isDir: false, size: 1, mtime: 1 }
		]);
		expect((await core.searchNames('needle')).map((e) => e.name)).toEqual(['deep-needle.txt']);
		await core.putEntries(loc, [{ path: 'thing', isDir: false, size: 10, mtime: 2 }]);
		expect((await core.listChildren(loc, '')).map((e) => [e.name, e.isDir])).toEqual([['thing', false]]);
		expect(await core.searchNames('needle')).toEqual([]);
		expect(await core.searchNames('inner')).toEqual([]);
		expect(await core.libraryStats()).toEqual({ locations: 1, entries: 1, bytes: 10 });
	});

	it('short queries match LIKE wildcards literally', async () => {
		const { core, loc } = await withLocation();
		await core.putEntries(
			loc,
			['%a', '_b', 'ab', 'xb'].map((path) => ({ path, isDir: false, size: 1, mtime: 1 }))
		);
		expect((await core.searchNames('%')).map((e) => e.name)).toEqual(['%a']);
		expect((await core.searchNames('_b')).map((e) => e.name)).toEqual(['_b']);
	});
});

describe('damage stays where it is', () => {
	it('renaming a damaged library that is not open leaves the open library alone', async () => {
		const { core, storage } = await startCore();
		const good = await core.createLibrary({ name: 'Good' });
		const s = new TextEncoder().encode('SQLite format 3\0' + 'z'.repeat(8000));
		const broken = await core.importLibrary(s, 'Broken');
		expect(broken.state).toBe('broken');
		await core.switchLibrary(good.id);
		await core.renameLibrary(broken.id, 'Broken but renamed');
		const libs = await core.listLibraries();
		expect(libs.find((l) => l.id === good.id)).toMatchObject({ state: 'ok', current: true });
		expect(libs.find((l) => l.id === broken.id)).toMatchObject({ state: 'broken', name: 'Broken but renamed' });
		expect(await core.listLocations()).toEqual([]);
		void storage;
	});

	it('a restored backup becomes a library of its own id, not a twin of the original', async () => {
		const { core, storage } = await startCore();
		const original = await core.createLibrary({ name: 'Original' });
		const copy = await core.importLibrary(await core.exportLibrary(original.id), 'Copy');
		core.close();
		const meta = (id: LibraryId) =>
			Object.fromEntries(
				inspect<{ key: string; value: string }>(storage, id, 'SELECT key, value FROM library_meta').map((r) => [
					r.key,
					r.value
				])
			);
		expect(meta(original.id)).toMatchObject({ uuid: original.id, name: 'Original' });
		expect(meta(copy.id)).toMatchObject({ uuid: copy.id, name: 'Copy' });
	});

	it('after the settings database is lost, the adopted library is opened again', async () => {
		const { core, storage } = await startCore();
		const lib = await core.createLibrary({ name: 'Adopted' });
		core.close();
		storage.remove('/orrery-node.sqlite3');
		const { core: again } = await startCore(storage);
		expect((await again.settings()).currentLibrary).toBe(lib.id);
		expect((await again.listLibraries())[0]).toMatchObject({ current: true, state: 'ok' });
	});
});
