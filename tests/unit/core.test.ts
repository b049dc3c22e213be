import { describe, expect, it } from 'vitest';
import { VdfsError } from '../../src/lib/vdfs/errors';
import type { LibraryId, LocationId } from '../../src/lib/vdfs/ids';
import { libraryFileName } from '../../src/lib/vdfs/db/library-schema';
import { startCore, sqlite } from './helpers';

async function expectCode(p: Promise<unknown>, code: string): Promise<VdfsError> {
	const err = await p.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(VdfsError);
	expect((err as VdfsError).code).toBe(code);
	return err as VdfsError;
}

describe('libraries', () => {
	it('creates a library, makes the first one current, and lists it', async () => {
		const { core, events } = await startCore();
		expect(await core.listLibraries()).toEqual([]);
		const lib = await core.createLibrary({ name: '  Photos ' });
		expect(lib).toMatchObject({ name: 'Photos', state: 'ok', current: true });
		expect((await core.settings()).currentLibrary).toBe(lib.id);
		expect(events.some((e) => e.topic === 'library' && e.ids?.includes(lib.id))).toBe(true);
		const second = await core.createLibrary({ name: 'Work' });
		expect(second.current).toBe(false);
		expect((await core.listLibraries()).map((l) => l.name)).toEqual(['Photos', 'Work']);
	});

	it('is idempotent for a caller-given id, so a retried request creates one library', async () => {
		const { core } = await startCore();
		const id = crypto.randomUUID() as LibraryId;
		await core.createLibrary({ name: 'Once', id });
		await core.createLibrary({ name: 'Once', id });
		expect(await core.listLibraries()).toHaveLength(1);
	});

	it('renames, switches and deletes; deleting the current one switches to another', async () => {
		const { core } = await startCore();
		const a = await core.createLibrary({ name: 'A' });
		const b = await core.createLibrary({ name: 'B' });
		await core.renameLibrary(b.id, 'Bee');
		await core.switchLibrary(b.id);
		expect((await core.settings()).currentLibrary).toBe(b.id);
		await core.deleteLibrary(b.id);
		const libs = await core.listLibraries();
		expect(libs.map((l) => l.name)).toEqual(['A']);
		expect((await core.settings()).currentLibrary).toBe(a.id);
		await expectCode(core.switchLibrary(b.id), 'NotFound');
	});

	it('refuses empty and over-long names with a message', async () => {
		const { core } = await startCore();
		const err = await expectCode(core.createLibrary({ name: '   ' }), 'InvalidInput');
		expect(err.message).toMatch(/needs a name/);
		await expectCode(core.createLibrary({ name: 'x'.repeat(201) }), 'InvalidInput');
	});

	it('keeps libraries, names and the current library across a restart of the core', async () => {
		const { core, storage } = await startCore();
		const a = await core.createLibrary({ name: 'Kept' });
		const loc = await core.createLocation({ name: 'Home', kind: 'opfs' });
		await core.putEntries(loc.id, [{ path: 'a.txt', isDir: false, size: 5, mtime: 1 }]);
		await core.renameLibrary(a.id, 'Kept 2');
		await core.setDeviceName('Laptop');
		core.close();
		const { core: again } = await startCore(storage);
		expect((await again.listLibraries()).map((l) => [l.name, l.current])).toEqual([['Kept 2', true]]);
		expect((await again.settings()).deviceName).toBe('Laptop');
		expect(await again.libraryStats()).toEqual({ locations: 1, entries: 1, bytes: 5 });
	});

	it('re-adopts library files when the node database is lost', async () => {
		const { core, storage } = await startCore();
		await core.createLibrary({ name: 'Orphan' });
		core.close();
		storage.remove('/orrery-node.sqlite3');
		const { core: again } = await startCore(storage);
		expect((await again.listLibraries()).map((l) => l.name)).toEqual(['Orphan']);
	});

	it('exports a library and imports the backup as a new library with the same content', async () => {
		const { core } = await startCore();
		const a = await core.createLibrary({ name: 'Source' });
		const loc = await core.createLocation({ name: 'Docs', kind: 'opfs' });
		await core.putEntries(loc.id, [{ path: 'report.pdf', isDir: false, size: 1234, mtime: 2 }]);
		const bytes = await core.exportLibrary(a.id);
		expect(new TextDecoder().decode(bytes.slice(0, 15))).toBe('SQLite format 3');
		const copy = await core.importLibrary(bytes, 'Copy');
		expect(copy).toMatchObject({ name: 'Copy', state: 'ok', current: true });
		expect((await core.searchNames('report')).map((e) => e.name)).toEqual(['report.pdf']);
	});
});

describe('damaged and foreign library files', () => {
	it('reports a foreign SQLite file as ForeignDatabase and sets it aside on request', async () => {
		const { core, storage } = await startCore();
		const s = await sqlite();
		const foreign = new s.oo1.DB(':memory:');
		foreign.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)');
		const bytes = s.capi.sqlite3_js_db_export(foreign);
		foreign.close();
		const lib = await core.importLibrary(bytes, 'Not ours');
		expect(lib.state).toBe('broken');
		expect(lib.error?.code).toBe('ForeignDatabase');
		await expectCode(core.listLocations(), 'ForeignDatabase');
		const { keptAs } = await core.setAsideLibrary(lib.id);
		expect(await core.listSetAside()).toContain(keptAs);
		expect(await core.readSetAside(keptAs)).toEqual(bytes);
		const fresh = (await core.listLibraries()).find((l) => l.id === lib.id);
		expect(fresh).toMatchObject({ state: 'ok', name: 'Not ours' });
		expect(await core.listLocations()).toEqual([]);
		void storage;
	});

	it('reports a damaged library file as DatabaseCorrupt after a restart, never a crash', async () => {
		const { core, storage } = await startCore();
		const lib = await core.createLibrary({ name: 'Fragile' });
		const loc = await core.createLocation({ name: 'L', kind: 'opfs' });
		await core.putEntries(
			loc.id,
			Array.from({ length: 500 }, (_, i) => ({ path: `f${i}.txt`, isDir: false, size: i, mtime: i }))
		);
		core.close();
		const bytes = storage.read(libraryFileName(lib.id));
		const damaged = bytes.slice();
		damaged.fill(0x5a, 4096, bytes.length);
		await storage.write(libraryFileName(lib.id), damaged);
		const { core: again } = await startCore(storage);
		const [summary] = await again.listLibraries();
		expect(summary.state).toBe('broken');
		expect(summary.error?.code).toBe('DatabaseCorrupt');
		expect(summary.error?.message).toMatch(/damaged|not a database|malformed/);
		await again.setAsideLibrary(lib.id);
		expect((await again.listLibraries())[0].state).toBe('ok');
	});
});

describe('locations and entries', () => {
	async function withLocation() {
		const started = await startCore();
		await started.core.createLibrary({ name: 'L' });
		const loc = await started.core.createLocation({ name: 'Home', kind: 'opfs' });
		return { ...started, loc: loc.id };
	}

	it('lists children of a folder sorted by name and finds names by substring', async () => {
		const { core, loc } = await withLocation();
		await core.putEntries(loc, [
			{ path: 'photos', isDir: true, size: 0, mtime: 1 },
			{ path: 'photos/b.JPG', isDir: false, size: 20, mtime: 2 },
			{ path: 'photos/a.jpg', isDir: false, size: 10, mtime: 3 },
			{ path: '.hidden', isDir: false, size: 1, mtime: 1 }
		]);
		const children = await core.listChildren(loc, 'photos');
		expect(children.map((c) => [c.name, c.extension, c.dirPath, c.isDir])).toEqual([
			['a.jpg', 'jpg', 'photos', false],
			['b.JPG', 'jpg', 'photos', false]
		]);
		expect((await core.listChildren(loc, '')).map((c) => [c.name, c.hidden])).toEqual([
			['.hidden', true],
			['photos', false]
		]);
		expect((await core.listChildren(loc, 'photos', { sort: 'size', descending: true })).map((c) => c.name)).toEqual([
			'b.JPG',
			'a.jpg'
		]);
		expect((await core.searchNames('.jp')).map((c) => c.name).sort()).toEqual(['a.jpg', 'b.JPG']);
		expect((await core.searchNames('ph')).map((c) => c.name)).toEqual(['photos']);
		expect(await core.searchNames('"quoted" %_')).toEqual([]);
	});

	it('writes nothing for unchanged entries and stamps changed ones with a new seq', async () => {
		const { core, loc } = await withLocation();
		const tree = [
			{ path: 'd', isDir: true, size: 0, mtime: 1 },
			{ path: 'd/x', isDir: false, size: 3, mtime: 1 }
		];
		expect(await core.putEntries(loc, tree)).toBe(2);
		expect(await core.putEntries(loc, tree)).toBe(0);
		expect(await core.putEntries(loc, [{ path: 'd/x', isDir: false, size: 4, mtime: 2 }])).toBe(1);
		expect((await core.listChildren(loc, 'd'))[0].size).toBe(4);
	});

	it('refuses a child whose folder is not indexed, and rolls the whole batch back', async () => {
		const { core, loc } = await withLocation();
		const err = await expectCode(
			core.putEntries(loc, [
				{ path: 'ok.txt', isDir: false, size: 1, mtime: 1 },
				{ path: 'missing/child.txt', isDir: false, size: 1, mtime: 1 }
			]),
			'NotFound'
		);
		expect(err.message).toMatch(/missing/);
		expect(await core.listChildren(loc, '')).toEqual([]);
	});

	it('stores any Unicode name', async () => {
		const { core, loc } = await withLocation();
		const names = ['日本語のファイル.txt', '🚀 launch.md', 'ünïcødé', 'a'.repeat(255), 'it\'s "quoted"'];
		await core.putEntries(
			loc,
			names.map((path) => ({ path, isDir: false, size: 1, mtime: 1 }))
		);
		expect((await core.listChildren(loc, '')).map((e) => e.name).sort()).toEqual([...names].sort());
		expect((await core.searchNames('launch'))[0].name).toBe('🚀 launch.md');
	});

	it('needs an open library for library calls', async () => {
		const { core } = await startCore();
		await expectCode(core.listLocations(), 'NotFound');
		await expectCode(core.putEntries(crypto.randomUUID() as LocationId, []), 'NotFound');
	});
});
