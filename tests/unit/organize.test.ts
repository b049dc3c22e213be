import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DeviceId, EntryId, LibraryId, LocationId, TagId } from '../../src/lib/vdfs/api';
import { putEntries } from '../../src/lib/vdfs/entries/entries';
import { OpenLibrary } from '../../src/lib/vdfs/library/library';
import { openLibraryDb } from '../../src/lib/vdfs/library/open-library';
import { createLocation } from '../../src/lib/vdfs/locations/locations';
import { search } from '../../src/lib/vdfs/search/query';
import { deleteSavedSearch, saveSearch, savedSearches } from '../../src/lib/vdfs/search/saved';
import { libraryStatistics } from '../../src/lib/vdfs/stats/stats';
import {
	createTag,
	deleteTag,
	entryMeta,
	listTags,
	setEntryMeta,
	tagEntries,
	updateTag
} from '../../src/lib/vdfs/tags/tags';
import { VdfsError } from '../../src/lib/vdfs/errors';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { Sql } from '../../src/lib/vdfs/db/sql';
import { migrate } from '../../src/lib/vdfs/db/migrate';
import { libraryMigrations } from '../../src/lib/vdfs/db/library-schema';
import { applyOps, validateOp, type SharedOp } from '../../src/lib/vdfs/sync/ops';
import { Hlc, formatStamp } from '../../src/lib/vdfs/sync/hlc';
import { sqlite, startCore } from './helpers';

/** A library with a folder of three files, used through the core module's functions. */
async function withFiles() {
	const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
	const libId = crypto.randomUUID() as LibraryId;
	const device = crypto.randomUUID() as DeviceId;
	const lib = OpenLibrary.attach(libId, openLibraryDb(storage, libId), 'L', {
		id: device,
		name: 'Test device',
		platform: ''
	});
	const loc = createLocation(lib, { name: 'Home', kind: 'opfs' }).id as LocationId;
	putEntries(lib, loc, [
		{ path: 'a', isDir: true, size: 0, mtime: 1 },
		{ path: 'a/one.txt', isDir: false, size: 10, mtime: 1 },
		{ path: 'a/copy.txt', isDir: false, size: 10, mtime: 1 },
		{ path: 'a/other.txt', isDir: false, size: 20, mtime: 1 }
	]);
	const id = (name: string) => lib.sql.value<string>('SELECT uuid FROM entry WHERE name = ?', [name]) as EntryId;
	/** Content ids (and content rows) written the way identify writes them. */
	const setCas = (pairs: [EntryId, string][]) => {
		for (const [entry, cas] of pairs) {
			lib.sql.run("INSERT OR IGNORE INTO content (cas_id, kind, size) VALUES (?, 'text', 0)", [cas]);
			lib.sql.run('UPDATE entry SET cas_id = ? WHERE uuid = ?', [cas, entry]);
		}
	};
	return { lib, device, loc, id, setCas };
}

function code(fn: () => unknown): string {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(VdfsError);
		return (e as VdfsError).code;
	}
	throw new Error('did not throw');
}

describe('tags', () => {
	it('are created, renamed, recoloured, nested and deleted; nested tags move up when their parent goes', async () => {
		const { lib, device } = await withFiles();
		const work = createTag(lib, device, { name: ' Work ' });
		expect(work).toMatchObject({ name: 'Work', parent: null, count: 0 });
		expect(work.color).toMatch(/^#[0-9a-f]{6}$/);
		const a = createTag(lib, device, { name: 'Alpha', parent: work.id, color: '#FF0000' });
		const b = createTag(lib, device, { name: 'beta', parent: a.id });
		expect(listTags(lib).map((t) => [t.name, t.parent])).toEqual([
			['Work', null],
			['Alpha', work.id],
			['beta', a.id]
		]);
		updateTag(lib, device, a.id, { name: 'Projects', color: '#00ff00' });
		expect(listTags(lib).find((t) => t.id === a.id)).toMatchObject({ name: 'Projects', color: '#00ff00' });
		// No loops, no twins among siblings, no bad colours or names.
		expect(code(() => updateTag(lib, device, work.id, { parent: b.id }))).toBe('InvalidInput');
		expect(code(() => createTag(lib, device, { name: 'projects', parent: work.id }))).toBe('AlreadyExists');
		expect(code(() => createTag(lib, device, { name: 'x', color: 'red' }))).toBe('InvalidInput');
		expect(code(() => createTag(lib, device, { name: '   ' }))).toBe('InvalidInput');
		deleteTag(lib, device, a.id);
		expect(listTags(lib).map((t) => [t.name, t.parent])).toEqual([
			['Work', null],
			['beta', work.id]
		]);
		expect(code(() => updateTag(lib, device, a.id, { name: 'again' }))).toBe('NotFound');
	});

	it('a loop made by two devices at once shows as top-level tags, not a hang', async () => {
		const { lib, device } = await withFiles();
		const x = createTag(lib, device, { name: 'X' });
		const y = createTag(lib, device, { name: 'Y', parent: x.id });
		// Another device moved X under Y before it saw Y go under X.
		applyOps(lib.sql, [
			{ at: formatStamp(Date.now() + 60_000, 0, 'other'), table: 'tag', key: [x.id], set: { parent: y.id } }
		]);
		expect(listTags(lib).map((t) => [t.name, t.parent])).toEqual([
			['X', null],
			['Y', null]
		]);
	});

	it('a tag on a file goes on its content (every copy); pinned, on that path only; off takes both', async () => {
		const { lib, device, id, setCas } = await withFiles();
		const [one, copy, other] = [id('one.txt'), id('copy.txt'), id('other.txt')];
		setCas([
			[one, 'same'],
			[copy, 'same'],
			[other, 'diff']
		]);
		const tag = createTag(lib, device, { name: 'Keep' });
		tagEntries(lib, device, tag.id, [one]);
		expect(entryMeta(lib, copy).tags).toEqual([{ id: tag.id, name: 'Keep', color: tag.color, pinned: false }]);
		expect(listTags(lib)[0].count).toBe(2);
		const pin = createTag(lib, device, { name: 'Pin' });
		tagEntries(lib, device, pin.id, [other, id('a')], { pinned: true });
		expect(entryMeta(lib, other).tags.map((t) => [t.name, t.pinned])).toEqual([['Pin', true]]);
		expect(
			search(lib, { tags: { any: [pin.id] } })
				.hits.map((h) => h.name)
				.sort()
		).toEqual(['a', 'other.txt']);
		tagEntries(lib, device, tag.id, [copy], { on: false });
		expect(entryMeta(lib, one).tags).toEqual([]);
		expect(code(() => tagEntries(lib, device, 'nope' as TagId, [one]))).toBe('NotFound');
		expect(code(() => tagEntries(lib, device, tag.id, ['gone' as EntryId]))).toBe('NotFound');
	});

	it('favorite, note and hidden go on the content; set before a content id, they still show', async () => {
		const { lib, device, id, setCas } = await withFiles();
		const [one, copy] = [id('one.txt'), id('copy.txt')];
		setEntryMeta(lib, device, [one], { note: 'before identify' });
		setCas([
			[one, 'same'],
			[copy, 'same']
		]);
		expect(entryMeta(lib, one).note).toBe('before identify');
		setEntryMeta(lib, device, [one], { favorite: true, note: 'the good one' });
		expect(entryMeta(lib, copy)).toMatchObject({ favorite: true, note: 'the good one', hidden: false });
		expect(entryMeta(lib, one).note).toBe('the good one');
		setEntryMeta(lib, device, [copy], { hidden: true });
		expect(search(lib, { text: 'txt' }).hits.map((h) => h.name)).toEqual(['other.txt']);
		expect(code(() => setEntryMeta(lib, device, [one], { note: 'x'.repeat(10_001) }))).toBe('InvalidInput');
	});

	it('saved searches keep a name and a query, and are deleted', async () => {
		const { lib, device } = await withFiles();
		const s = saveSearch(lib, device, { name: 'Big text', query: { text: 'txt', minSize: 15 } });
		expect(savedSearches(lib)).toEqual([s]);
		expect(search(lib, s.query).hits.map((h) => h.name)).toEqual(['other.txt']);
		saveSearch(lib, device, { id: s.id, name: 'Renamed', query: { text: 'one' } });
		expect(savedSearches(lib).map((x) => x.name)).toEqual(['Renamed']);
		deleteSavedSearch(lib, device, s.id);
		expect(savedSearches(lib)).toEqual([]);
		expect(code(() => saveSearch(lib, device, { name: 'bad', query: { kinds: ['zzz' as never] } }))).toBe(
			'InvalidInput'
		);
	});

	it('through the core: changes are announced, and a newer search on a channel cancels one still waiting', async () => {
		const { core, events } = await startCore();
		await core.createLibrary({ name: 'L' });
		const loc = (await core.createLocation({ name: 'Home', kind: 'opfs' })).id;
		await core.putEntries(loc, [
			{ path: 'one.txt', isDir: false, size: 1, mtime: 1 },
			{ path: 'other.txt', isDir: false, size: 1, mtime: 1 }
		]);
		const tag = await core.createTag({ name: 'T' });
		expect(events.some((e) => e.topic === 'tag')).toBe(true);
		await core.tagEntries(tag.id, [(await core.searchNames('one.txt'))[0].id]);
		expect((await core.search({ tags: { all: [tag.id] } })).hits.map((h) => h.name)).toEqual(['one.txt']);
		const first = core.search({ text: 'one' }, { channel: 'box' });
		const second = core.search({ text: 'other' }, { channel: 'box' });
		const err = await first.then(
			() => null,
			(e: unknown) => e as VdfsError
		);
		expect(err?.code).toBe('Cancelled');
		expect((await second).hits.map((h) => h.name)).toEqual(['other.txt']);
	});
});

describe('statistics', () => {
	it('are kept by triggers through inserts, identification, kind changes, deletes and location removal', async () => {
		const { lib, loc, id, setCas } = await withFiles();
		const same = () => {
			expect(
				lib.sql.all(
					'SELECT location_id, kind, files, bytes FROM stat_kind WHERE files <> 0 OR bytes <> 0 ORDER BY 1, 2'
				)
			).toEqual(
				lib.sql
					.all(`SELECT e.location_id, CASE WHEN e.is_dir THEN 'folder' WHEN e.cas_id IS NULL THEN iif(e.size = 0, 'empty', 'pending')
					ELSE coalesce(c.kind, 'unknown') END AS kind, count(*) AS files, sum(iif(e.is_dir, 0, e.size)) AS bytes
					FROM entry e LEFT JOIN content c ON c.cas_id = e.cas_id WHERE e.parent_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`)
			);
			expect(lib.sql.all('SELECT cas_id, refs FROM content ORDER BY 1')).toEqual(
				lib.sql.all(
					'SELECT cas_id, (SELECT count(*) FROM entry e WHERE e.cas_id = c.cas_id) AS refs FROM content c ORDER BY 1'
				)
			);
		};
		same();
		setCas([
			[id('one.txt'), 'same'],
			[id('copy.txt'), 'same']
		]);
		same();
		expect(libraryStatistics(lib)).toMatchObject({ files: 3, folders: 1, bytes: 40, reclaimableBytes: 0 });
		lib.sql.run("UPDATE content SET kind = 'document', size = 10 WHERE cas_id = 'same'");
		same();
		const stats = libraryStatistics(lib);
		expect(stats.kinds).toEqual([
			{ kind: 'document', files: 2, bytes: 20 },
			{ kind: 'pending', files: 1, bytes: 20 }
		]);
		expect(stats).toMatchObject({ reclaimableBytes: 10, duplicateFiles: 2 });
		expect(stats.largest[0].name).toBe('other.txt');
		expect(stats.locations).toEqual([{ id: loc, name: 'Home', deviceName: 'Test device', files: 3, bytes: 40 }]);
		expect(stats.devices).toMatchObject([{ name: 'Test device', files: 3, bytes: 40 }]);
		// A changed file loses its content id; a folder replaced by a file takes its subtree.
		putEntries(lib, loc, [{ path: 'a/one.txt', isDir: false, size: 11, mtime: 2 }]);
		same();
		putEntries(lib, loc, [{ path: 'a', isDir: false, size: 5, mtime: 3 }]);
		same();
		expect(libraryStatistics(lib)).toMatchObject({ files: 1, folders: 0, bytes: 5 });
		lib.sql.run('DELETE FROM location WHERE uuid = ?', [loc]);
		same();
		expect(libraryStatistics(lib)).toMatchObject({ files: 0, bytes: 0, kinds: [], locations: [] });
		expect(lib.sql.value('SELECT count(*) FROM stat_kind')).toBe(0);
	});
});

describe('shared ops', () => {
	it('stamps are strictly monotonic, also after a stamp from a clock ahead', () => {
		let wall = 1000;
		const clock = new Hlc('dev-a', undefined, () => wall);
		const a = clock.now();
		const b = clock.now();
		expect(b > a).toBe(true);
		clock.receive(formatStamp(5000, 7, 'dev-b'));
		const c = clock.now();
		expect(c > formatStamp(5000, 7, 'dev-b')).toBe(true);
		wall = 6000;
		expect(clock.now() > c).toBe(true);
	});

	it('malformed ops are refused whole', () => {
		const at = formatStamp(1, 0, 'd');
		for (const bad of [
			null,
			{ at: 'x', table: 'tag', key: ['t'], set: { name: 'a' } },
			{ at, table: 'entry', key: ['t'], set: { name: 'a' } },
			{ at, table: 'tag', key: [], set: { name: 'a' } },
			{ at, table: 'tag', key: ['t'], set: { evil: 'a' } },
			{ at, table: 'tag', key: ['t'], set: { deleted: 2 } },
			{ at, table: 'tag', key: ['t'], set: {} }
		]) {
			expect(() => validateOp(bad)).toThrow(VdfsError);
		}
		expect(validateOp({ at, table: 'tag', key: ['t'], set: { name: 'a' } }).table).toBe('tag');
	});

	it('replicas converge: any order, duplicates and delays end in the same rows (property)', async () => {
		const s3 = await sqlite();
		const storage = new MemoryStorage(s3, crypto.randomUUID());
		let n = 0;
		const replica = () => {
			const sql = storage.open(`/replica-${n++}.sqlite3`);
			migrate(sql, libraryMigrations, 'library');
			return sql;
		};
		const dump = (sql: Sql) =>
			['tag', 'tag_link', 'user_meta', 'saved_search'].map((t) => sql.all(`SELECT * FROM ${t} ORDER BY 1, 2`));
		const op = fc.oneof(
			fc.record({
				table: fc.constant('tag' as const),
				key: fc.tuple(fc.constantFrom('t1', 't2')).map((k) => [...k]),
				set: fc.oneof(
					fc.record({ name: fc.constantFrom('A', 'B', 'C') }),
					fc.record({ parent: fc.constantFrom(null, 't1', 't2') }),
					fc.record({ deleted: fc.constantFrom(0, 1), color: fc.constantFrom('#000000', '#ffffff') })
				)
			}),
			fc.record({
				table: fc.constant('tag_link' as const),
				key: fc.tuple(fc.constantFrom('t1', 't2'), fc.constantFrom('c1', 'c2')).map((k) => [...k]),
				set: fc.record({ linked: fc.constantFrom(0, 1) })
			}),
			fc.record({
				table: fc.constant('user_meta' as const),
				key: fc.constantFrom(['c1'], ['c2']),
				set: fc.oneof(fc.record({ favorite: fc.constantFrom(0, 1) }), fc.record({ note: fc.string({ maxLength: 3 }) }))
			})
		);
		// Ops made on three devices, each with a clock that may run ahead or behind.
		const made = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5 }), op), {
			minLength: 1,
			maxLength: 25
		});
		const replicas = [replica(), replica(), replica()];
		fc.assert(
			fc.property(made, fc.array(fc.nat(), { minLength: 75, maxLength: 75 }), (list, shuffle) => {
				const clocks = [0, 1, 2].map((d) => new Hlc(`dev-${d}`, undefined, () => 1000));
				const ops: SharedOp[] = list.map(([d, skew, o]) => {
					const stamp = clocks[d].now();
					const [ms, counter] = stamp.split('.');
					return { ...o, at: formatStamp(Number(ms) + skew, Number(counter), `dev-${d}`) } as SharedOp;
				});
				const states = replicas.map((sql, r) => {
					sql.exec('DELETE FROM tag; DELETE FROM tag_link; DELETE FROM user_meta; DELETE FROM shared_op;');
					// Each replica: its own order, with some ops delivered twice.
					const order = ops.map((o, i) => ({ o, k: shuffle[(i + r * 25) % shuffle.length] + i * (r + 1) }));
					order.sort((x, y) => x.k - y.k);
					const delivered = [...order.map((x) => x.o), ...order.filter((_, i) => i % (r + 2) === 0).map((x) => x.o)];
					for (const o of delivered) applyOps(sql, [o]);
					return JSON.stringify(dump(sql));
				});
				expect(states[1]).toBe(states[0]);
				expect(states[2]).toBe(states[0]);
			}),
			{ numRuns: 150 }
		);
		for (const sql of replicas) sql.close();
	});
});
