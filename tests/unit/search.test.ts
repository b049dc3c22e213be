import { beforeAll, describe, expect, it } from 'vitest';
import type { DeviceId, LocationId, SearchQuery, TagId } from '../../src/lib/vdfs/api';
import { putEntries } from '../../src/lib/vdfs/entries/entries';
import { OpenLibrary } from '../../src/lib/vdfs/library/library';
import { createLocation } from '../../src/lib/vdfs/locations/locations';
import { explainSearch, search } from '../../src/lib/vdfs/search/query';
import { createTag, setEntryMeta, tagEntries } from '../../src/lib/vdfs/tags/tags';
import { openMemoryLibrary } from './helpers';

const DAY = 86_400_000;
const T = Date.UTC(2024, 5, 1);
const MB = 1 << 20;

/**
 * A small library in two locations, one of them another device's: every filter has files it
 * keeps and files it drops. Content ids and kinds are written as identify would write them.
 */
async function fixture() {
	const device = crypto.randomUUID() as DeviceId;
	const lib = await openMemoryLibrary({ id: device, name: 'Laptop' });
	const home = createLocation(lib, { name: 'Home', kind: 'opfs' }).id as LocationId;
	const backup = createLocation(lib, { name: 'Backup', kind: 'opfs' }).id as LocationId;
	// The backup belongs to another device (as sync will bring it).
	lib.sql.run("INSERT INTO device (uuid, name) VALUES ('phone-uuid', 'Phone')");
	lib.sql.run("UPDATE location SET device_id = (SELECT id FROM device WHERE uuid = 'phone-uuid') WHERE uuid = ?", [
		backup
	]);
	const dir = (path: string) => ({ path, isDir: true, size: 0, mtime: T });
	const file = (path: string, size: number, mtime: number) => ({ path, isDir: false, size, mtime });
	putEntries(lib, home, [
		dir('photos'),
		file('photos/beach.jpg', 2 * MB, T),
		file('photos/Beach Party.JPG', 3 * MB, T - 300 * DAY),
		file('photos/sunset beach.png', 1 * MB, T - 10 * DAY),
		dir('docs'),
		file('docs/report.pdf', 100_000, T - 400 * DAY),
		file('docs/report-final.pdf', 120_000, T - 5 * DAY),
		file('docs/notes.md', 10, T - 1 * DAY),
		file('docs/empty.txt', 0, T - 2 * DAY),
		dir('music'),
		file('music/song.mp3', 5 * MB, T - 30 * DAY),
		file('.secret.txt', 50, T),
		dir('code'),
		file('code/main.ts', 700, T - 3 * DAY)
	]);
	putEntries(lib, backup, [dir('old'), file('old/beach.jpg', 2 * MB, T - 1000 * DAY), file('old/b.bin', 40, T)]);
	const content = (cas: string, kind: string, size: number, taken: number | null) => {
		lib.sql.run('INSERT INTO content (cas_id, kind, size, taken_at) VALUES (?, ?, ?, ?)', [cas, kind, size, taken]);
	};
	content('c-beach', 'image', 2 * MB, Date.UTC(2024, 4, 20));
	content('c-party', 'image', 3 * MB, Date.UTC(2023, 7, 1));
	content('c-sunset', 'image', 1 * MB, null);
	content('c-report', 'document', 100_000, null);
	content('c-final', 'document', 120_000, null);
	content('c-song', 'audio', 5 * MB, null);
	content('c-secret', 'text', 50, null);
	content('c-bin', 'unknown', 40, null);
	const setCas = (name: string, cas: string) => lib.sql.run('UPDATE entry SET cas_id = ? WHERE name = ?', [cas, name]);
	setCas('beach.jpg', 'c-beach');
	setCas('Beach Party.JPG', 'c-party');
	setCas('sunset beach.png', 'c-sunset');
	setCas('report.pdf', 'c-report');
	setCas('report-final.pdf', 'c-final');
	setCas('song.mp3', 'c-song');
	setCas('.secret.txt', 'c-secret');
	setCas('b.bin', 'c-bin');
	const idOf = (name: string, location = home) =>
		lib.sql.value<string>(
			'SELECT e.uuid FROM entry e JOIN location l ON l.id = e.location_id WHERE e.name = ? AND l.uuid = ?',
			[name, location]
		) as string as import('../../src/lib/vdfs/api').EntryId;
	const trip = createTag(lib, device, { name: 'Trip' });
	const summer = createTag(lib, device, { name: 'Summer', parent: trip.id });
	const work = createTag(lib, device, { name: 'Work' });
	tagEntries(lib, device, summer.id, [idOf('beach.jpg')]); // on the content: the backup copy too
	tagEntries(lib, device, trip.id, [idOf('sunset beach.png')], { pinned: true });
	tagEntries(lib, device, work.id, [idOf('report.pdf'), idOf('notes.md'), idOf('docs')]);
	setEntryMeta(lib, device, [idOf('song.mp3'), idOf('music')], { favorite: true });
	setEntryMeta(lib, device, [idOf('report-final.pdf')], { hidden: true });
	return { lib, home, backup, device, tags: { trip: trip.id, summer: summer.id, work: work.id } };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;
let fx: Fixture;
beforeAll(async () => {
	fx = await fixture();
});

/** Names found (as `location:path`, in result order). */
function find(q: SearchQuery, options = {}): string[] {
	return search(fx.lib, q, options).hits.map((h) => `${h.locationName}:${h.dirPath ? h.dirPath + '/' : ''}${h.name}`);
}
const sorted = (q: SearchQuery) => find(q).sort();

describe('search filters, each alone', () => {
	it('text: any substring of three or more letters, any case, through the trigram index', () => {
		expect(sorted({ text: 'each' })).toEqual([
			'Backup:old/beach.jpg',
			'Home:photos/Beach Party.JPG',
			'Home:photos/beach.jpg',
			'Home:photos/sunset beach.png'
		]);
		expect(sorted({ text: 'EPOR' })).toEqual(['Home:docs/report.pdf']); // report-final.pdf is hidden
	});

	it('text: one or two letters match the start of a name', () => {
		expect(sorted({ text: 'be' })).toEqual([
			'Backup:old/beach.jpg',
			'Home:photos/Beach Party.JPG',
			'Home:photos/beach.jpg'
		]);
		expect(sorted({ text: 's' })).toEqual(['Home:music/song.mp3', 'Home:photos/sunset beach.png']);
	});

	it('text: words in any order all match; a word with a slash matches the path', () => {
		expect(sorted({ text: 'beach sunset' })).toEqual(['Home:photos/sunset beach.png']);
		expect(sorted({ text: 'party be' })).toEqual(['Home:photos/Beach Party.JPG']);
		expect(sorted({ text: 'old/ beach' })).toEqual(['Backup:old/beach.jpg']);
		expect(sorted({ text: 'photos/sun' })).toEqual(['Home:photos/sunset beach.png']);
	});

	it('text: wildcards and quotes are matched literally', () => {
		expect(find({ text: '%' })).toEqual([]);
		expect(find({ text: '"beach' })).toEqual([]);
		expect(find({ text: '_' })).toEqual([]);
	});

	it('text: ranked exact name, then prefix, then substring; recent first within each', () => {
		expect(find({ text: 'beach' })).toEqual([
			'Home:photos/beach.jpg', // exact but for the extension, newest
			'Backup:old/beach.jpg', // exact, older
			'Home:photos/Beach Party.JPG', // prefix
			'Home:photos/sunset beach.png' // substring
		]);
	});

	it('kinds, from the content, or from the name before a content id; folders are a kind', () => {
		expect(sorted({ kinds: ['audio'] })).toEqual(['Home:music/song.mp3']);
		expect(sorted({ kinds: ['code'] })).toEqual(['Home:code/main.ts']); // not identified yet
		expect(sorted({ kinds: ['folder'] })).toEqual([
			'Backup:old',
			'Home:code',
			'Home:docs',
			'Home:music',
			'Home:photos'
		]);
		expect(sorted({ kinds: ['document', 'text'] })).toEqual([
			'Home:docs/empty.txt',
			'Home:docs/notes.md',
			'Home:docs/report.pdf'
		]);
	});

	it('extensions, any case, with or without the dot', () => {
		expect(sorted({ extensions: ['JPG'] })).toEqual([
			'Backup:old/beach.jpg',
			'Home:photos/Beach Party.JPG',
			'Home:photos/beach.jpg'
		]);
		expect(sorted({ extensions: ['.png', 'mp3'] })).toEqual(['Home:music/song.mp3', 'Home:photos/sunset beach.png']);
	});

	it('size range, inclusive, files only', () => {
		expect(sorted({ minSize: 3 * MB })).toEqual(['Home:music/song.mp3', 'Home:photos/Beach Party.JPG']);
		expect(sorted({ maxSize: 10 })).toEqual(['Home:docs/empty.txt', 'Home:docs/notes.md']);
		expect(sorted({ minSize: 1 * MB, maxSize: 2 * MB })).toEqual([
			'Backup:old/beach.jpg',
			'Home:photos/beach.jpg',
			'Home:photos/sunset beach.png'
		]);
	});

	it('date modified: from inclusive, to exclusive', () => {
		expect(sorted({ modifiedFrom: T - 3 * DAY, modifiedTo: T - DAY })).toEqual([
			'Home:code/main.ts',
			'Home:docs/empty.txt'
		]);
		expect(sorted({ modifiedTo: T - 350 * DAY })).toEqual(['Backup:old/beach.jpg', 'Home:docs/report.pdf']);
	});

	it('date taken, from the media facts', () => {
		expect(sorted({ takenFrom: Date.UTC(2024, 0, 1) })).toEqual(['Backup:old/beach.jpg', 'Home:photos/beach.jpg']);
		expect(sorted({ takenTo: Date.UTC(2024, 0, 1) })).toEqual(['Home:photos/Beach Party.JPG']);
	});

	it('tags: any, all and none; a tag also matches what its nested tags are on, and every copy of a tagged content', () => {
		const { trip, summer, work } = fx.tags;
		expect(sorted({ tags: { any: [summer] } })).toEqual(['Backup:old/beach.jpg', 'Home:photos/beach.jpg']);
		expect(sorted({ tags: { any: [trip] } })).toEqual([
			'Backup:old/beach.jpg',
			'Home:photos/beach.jpg',
			'Home:photos/sunset beach.png'
		]);
		expect(sorted({ tags: { any: [summer, work] } })).toEqual([
			'Backup:old/beach.jpg',
			'Home:docs',
			'Home:docs/notes.md',
			'Home:docs/report.pdf',
			'Home:photos/beach.jpg'
		]);
		expect(sorted({ tags: { all: [trip, summer] } })).toEqual(['Backup:old/beach.jpg', 'Home:photos/beach.jpg']);
		expect(sorted({ tags: { all: [summer, work] } })).toEqual([]);
		expect(sorted({ kinds: ['image'], tags: { none: [trip] } })).toEqual(['Home:photos/Beach Party.JPG']);
	});

	it('locations and devices', () => {
		expect(sorted({ locations: [fx.backup] })).toEqual(['Backup:old', 'Backup:old/b.bin', 'Backup:old/beach.jpg']);
		expect(sorted({ devices: ['phone-uuid' as DeviceId] })).toEqual([
			'Backup:old',
			'Backup:old/b.bin',
			'Backup:old/beach.jpg'
		]);
		expect(find({ devices: ['phone-uuid' as DeviceId] }).length + find({ locations: [fx.home] }).length).toBe(
			find({}).length
		);
	});

	it('favorites, on a content or a folder', () => {
		expect(sorted({ favorites: true })).toEqual(['Home:music', 'Home:music/song.mp3']);
	});

	it('duplicates only: files whose content another file shares', () => {
		expect(sorted({ duplicates: true })).toEqual(['Backup:old/beach.jpg', 'Home:photos/beach.jpg']);
	});

	it('no content id yet (empty files never get one)', () => {
		expect(sorted({ unidentified: true })).toEqual(['Home:code/main.ts', 'Home:docs/notes.md']);
	});

	it('hidden: dot-files and what was marked hidden only when asked for', () => {
		expect(find({ text: 'secret' })).toEqual([]);
		expect(find({ text: 'final' })).toEqual([]);
		expect(sorted({ text: 'secret', hidden: true })).toEqual(['Home:.secret.txt']);
		expect(sorted({ text: 'final', hidden: true })).toEqual(['Home:docs/report-final.pdf']);
	});

	it('hidden marks follow their target: a content marks every copy, copies added later, and unmarking', async () => {
		const { lib, home, device } = await fixture();
		const idOf = (name: string) =>
			lib.sql.value<string>('SELECT uuid FROM entry WHERE name = ?', [
				name
			]) as import('../../src/lib/vdfs/api').EntryId;
		const beaches = () =>
			search(lib, { text: 'beach.jpg' })
				.hits.map((h) => `${h.locationName}:${h.name}`)
				.sort();
		expect(beaches()).toEqual(['Backup:beach.jpg', 'Home:beach.jpg']);
		// Marked on the content (beach.jpg has one): both copies go.
		setEntryMeta(lib, device, [idOf('beach.jpg')], { hidden: true });
		expect(beaches()).toEqual([]);
		// A copy found later, with the same content id, is hidden from the start.
		putEntries(lib, home, [{ path: 'photos/beach copy.jpg', isDir: false, size: 2 * MB, mtime: T }]);
		lib.sql.run("UPDATE entry SET cas_id = 'c-beach' WHERE name = 'beach copy.jpg'");
		expect(search(lib, { text: 'beach copy' }).hits).toEqual([]);
		setEntryMeta(lib, device, [idOf('beach.jpg')], { hidden: false });
		expect(beaches()).toEqual(['Backup:beach.jpg', 'Home:beach.jpg']);
		expect(search(lib, { text: 'beach copy' }).hits.map((h) => h.name)).toEqual(['beach copy.jpg']);
		// A mark on one entry's id (not on its content): renamed to a dot-file and back, and its id
		// given to another row (as the indexer does for a moved file).
		setEntryMeta(lib, device, [idOf('main.ts')], { hidden: true });
		expect(search(lib, { text: 'main' }).hits).toEqual([]);
		lib.sql.run("UPDATE entry SET uuid = 'main-old-id' WHERE name = 'main.ts'");
		expect(search(lib, { text: 'main' }).hits.map((h) => h.name)).toEqual(['main.ts']);
		lib.sql.run("UPDATE entry SET name = '.main.ts', hidden = 1 WHERE name = 'main.ts'");
		expect(search(lib, { text: 'main' }).hits).toEqual([]);
		lib.sql.run("UPDATE entry SET name = 'main.ts', hidden = 0 WHERE name = '.main.ts'");
		expect(search(lib, { text: 'main' }).hits.map((h) => h.name)).toEqual(['main.ts']);
		// A location's root (its name is '') is never a hit, hidden ones asked for or not.
		expect(search(lib, { hidden: true }, { limit: 1000 }).hits.some((h) => h.name === '')).toBe(false);
	});
});

describe('search filters combined', () => {
	it('text with kind, size and location', () => {
		expect(sorted({ text: 'beach', kinds: ['image'], minSize: 2 * MB, locations: [fx.home] })).toEqual([
			'Home:photos/Beach Party.JPG',
			'Home:photos/beach.jpg'
		]);
	});

	it('a short prefix with a tag and a date', () => {
		expect(sorted({ text: 'b', tags: { any: [fx.tags.trip] }, modifiedFrom: T - 50 * DAY })).toEqual([
			'Home:photos/beach.jpg'
		]);
	});

	it('duplicates on another device, modified long ago', () => {
		expect(sorted({ duplicates: true, devices: ['phone-uuid' as DeviceId], modifiedTo: T - 500 * DAY })).toEqual([
			'Backup:old/beach.jpg'
		]);
	});

	it('kinds with extensions, favorites and taken dates narrow to nothing when they disagree', () => {
		expect(find({ kinds: ['audio'], extensions: ['mp3'], favorites: true })).toEqual(['Home:music/song.mp3']);
		expect(find({ kinds: ['audio'], takenFrom: 0 })).toEqual([]);
		expect(find({ unidentified: true, tags: { any: [fx.tags.work] }, text: 'not' })).toEqual(['Home:docs/notes.md']);
	});

	it('every filter at once', () => {
		const q: SearchQuery = {
			text: 'bea',
			kinds: ['image'],
			extensions: ['jpg'],
			minSize: MB,
			maxSize: 2 * MB,
			modifiedFrom: T - DAY,
			modifiedTo: T + DAY,
			takenFrom: Date.UTC(2024, 0, 1),
			takenTo: Date.UTC(2025, 0, 1),
			tags: { any: [fx.tags.trip], all: [fx.tags.summer], none: [fx.tags.work] },
			locations: [fx.home],
			devices: [fx.device],
			favorites: false,
			duplicates: true,
			unidentified: false
		};
		expect(find(q)).toEqual(['Home:photos/beach.jpg']);
	});
});

describe('search results', () => {
	it('pages with offset and limit, with an exact total', () => {
		const all = search(fx.lib, {}, { sort: 'name', limit: 1000 });
		expect(all.totalExact).toBe(true);
		const page = search(fx.lib, {}, { sort: 'name', offset: 3, limit: 4 });
		expect(page.total).toBe(all.total);
		expect(page.hits.map((h) => h.id)).toEqual(all.hits.slice(3, 7).map((h) => h.id));
		expect(search(fx.lib, {}, { sort: 'name', offset: 1000 }).total).toBe(all.total);
	});

	it('sorts by size and by date both ways', () => {
		expect(find({ kinds: ['image'] }, { sort: 'size', descending: true })[0]).toBe('Home:photos/Beach Party.JPG');
		expect(find({ kinds: ['image'] }, { sort: 'mtime' })[0]).toBe('Backup:old/beach.jpg');
	});

	it('hits carry what the views show: kind, location, device, here', () => {
		const [hit] = search(fx.lib, { text: 'beach', devices: ['phone-uuid' as DeviceId] }).hits;
		expect(hit).toMatchObject({
			name: 'beach.jpg',
			kind: 'image',
			locationName: 'Backup',
			deviceName: 'Phone',
			here: false
		});
		const [mine] = search(fx.lib, { text: 'main' }).hits;
		expect(mine).toMatchObject({ kind: 'code', dirPath: 'code', here: true, casId: null });
	});

	it('refuses what is not a query with a clear error', () => {
		expect(() => search(fx.lib, { kinds: ['nope' as never] })).toThrow(/not a kind/);
		expect(() => search(fx.lib, { minSize: 'big' as never })).toThrow(/minSize is not a number/);
	});
});

describe('search ranked in the name index', () => {
	it('a prefix ranks exact names first, then newest first, ties by natural name order across pages', async () => {
		const { lib, home } = await fixture();
		const f = (path: string, mtime: number) => ({ path, isDir: false, size: 1, mtime });
		putEntries(lib, home, [
			{ path: 'q', isDir: true, size: 0, mtime: T },
			f('q/qx10.txt', T),
			f('q/qx9.txt', T),
			f('q/qx1.txt', T),
			f('q/qx.txt', T - 900 * DAY),
			f('q/qx.old.txt', T + DAY),
			f('q/qx.', T - DAY)
		]);
		const names = (options: object) => search(lib, { text: 'qx' }, options).hits.map((h) => h.name);
		// "qx.txt" is the name with its extension; "qx.old.txt" and "qx." are not.
		expect(names({})).toEqual(['qx.txt', 'qx.old.txt', 'qx1.txt', 'qx9.txt', 'qx10.txt', 'qx.']);
		// A page ending inside a run of equal dates still orders the run by natural name.
		expect(names({ limit: 3 })).toEqual(['qx.txt', 'qx.old.txt', 'qx1.txt']);
		expect(names({ offset: 3, limit: 2 })).toEqual(['qx9.txt', 'qx10.txt']);
		expect(search(lib, { text: 'qx' }, { offset: 3, limit: 2 })).toMatchObject({ total: 6, totalExact: true });
	});

	it('an extension filter is matched on the extension, whatever the case of the name', async () => {
		const { lib, home } = await fixture();
		putEntries(lib, home, [
			{ path: 'e', isDir: true, size: 0, mtime: T },
			{ path: 'e/shot.PNG', isDir: false, size: 1, mtime: T },
			{ path: 'e/shot.png.txt', isDir: false, size: 1, mtime: T },
			{ path: 'e/shotpng', isDir: false, size: 1, mtime: T }
		]);
		expect(search(lib, { text: 'shot', extensions: ['png'] }).hits.map((h) => h.name)).toEqual(['shot.PNG']);
	});
});

describe('search ranks and tests names by NOCASE comparisons', () => {
	it('a prefix ending in "@" matches only names starting with it, not those past "A" to "`"', async () => {
		const { lib, home } = await fixture();
		const f = (path: string) => ({ path, isDir: false, size: 1, mtime: T });
		putEntries(lib, home, [
			{ path: 'at', isDir: true, size: 0, mtime: T },
			f('at/x@1'),
			f('at/x[1]'),
			f('at/x_1'),
			f('at/xb')
		]);
		expect(search(lib, { text: 'x@' }).hits.map((h) => h.name)).toEqual(['x@1']);
		// Ranked as a prefix among substring matches: exact ("x@1" and "x@1.txt" alike), prefix, then the rest.
		putEntries(lib, home, [f('at/x@1.txt'), f('at/ax@1'), f('at/X@1 b')]);
		expect(search(lib, { text: 'x@1' }).hits.map((h) => h.name)).toEqual(['x@1', 'x@1.txt', 'X@1 b', 'ax@1']);
	});

	it('an entry marked hidden stays out of text candidates read row by row, with an extension filter', async () => {
		const { lib, home, device } = await fixture();
		const f = (path: string) => ({ path, isDir: false, size: 1, mtime: T });
		putEntries(lib, home, [
			{ path: 'm', isDir: true, size: 0, mtime: T },
			f('m/marked shot.png'),
			f('m/kept shot.png')
		]);
		const id = lib.sql.value<string>("SELECT uuid FROM entry WHERE name = 'marked shot.png'") as string;
		setEntryMeta(lib, device, [id as import('../../src/lib/vdfs/api').EntryId], { hidden: true });
		const names = (q: SearchQuery) => search(lib, q).hits.map((h) => h.name);
		expect(explainSearch(lib, { text: 'shot', extensions: ['png'] })).toContain('exact via text');
		expect(names({ text: 'shot', extensions: ['png'] })).toEqual(['kept shot.png']);
		expect(names({ text: 'shot', extensions: ['png'], hidden: true }).sort()).toEqual([
			'kept shot.png',
			'marked shot.png'
		]);
	});
});

describe('prepared search statements', () => {
	it('are reused across searches with other values, and evicted ones are prepared again', () => {
		const first = find({ text: 'beach' });
		// Many shapes of query (each its own statement texts), more than the cache holds.
		for (let i = 0; i < 40; i++) find({ text: 'b'.repeat((i % 4) + 1), minSize: i, modifiedFrom: T - i * DAY });
		expect(find({ text: 'beach' })).toEqual(first);
		expect(sorted({ text: 'repo' })).toEqual(['Home:docs/report.pdf']);
		expect(sorted({ text: 'song' })).toEqual(['Home:music/song.mp3']);
	});
});

describe('search in a large library', () => {
	it('a common prefix is read newest first, stops at the page, and still ranks exact, prefix, substring', async () => {
		const { lib, home } = await fixture();
		const n = 3000;
		const rows = [{ path: 'many', isDir: true, size: 0, mtime: T }];
		for (let i = 0; i < n; i++) rows.push({ path: `many/a-${i}.txt`, isDir: false, size: 1, mtime: T - i * 1000 });
		rows.push({ path: 'many/xa.txt', isDir: false, size: 1, mtime: T + DAY });
		rows.push({ path: 'many/a', isDir: false, size: 1, mtime: 0 });
		putEntries(lib, home, rows);
		const result = search(lib, { text: 'a' }, { limit: 5 });
		expect(explainSearch(lib, { text: 'a' }, { limit: 5 })).toContain('scan of "a" found');
		// "At least": past the page, and no more than there are.
		expect(result.totalExact).toBe(false);
		expect(result.total).toBeGreaterThanOrEqual(5);
		expect(result.total).toBeLessThanOrEqual(n + 2);
		// The exact name first though oldest; then prefixes newest first ("xa.txt" is no prefix).
		expect(result.hits.map((h) => h.name)).toEqual(['a', 'a-0.txt', 'a-1.txt', 'a-2.txt', 'a-3.txt']);
		const txt = search(lib, { text: 'txt', extensions: ['txt'] }, { limit: 3 });
		expect(txt.hits.map((h) => h.name)).toEqual(['xa.txt', 'a-0.txt', 'a-1.txt']);
		// A narrow filter beside a common word: exact, from the filter's candidates.
		const narrow = search(lib, { text: 'a', minSize: 2 * MB, maxSize: 2 * MB });
		expect(narrow).toMatchObject({ totalExact: true, total: 0 });
		void (fx.tags as Record<string, TagId>);
	});

	it('a prefix scan reads names by their first character, ASCII letters in either case, others as they are', async () => {
		const { lib, home } = await fixture();
		const rows = [{ path: 'many', isDir: true, size: 0, mtime: T }];
		// Newest first: each first character's names interleaved in time.
		const firsts = ['A', 'a', 'é', 'É', '😀', 'b'];
		for (let i = 0; i < 9000; i++) {
			const first = firsts[i % firsts.length];
			rows.push({ path: `many/${first}${i}.txt`, isDir: false, size: 1, mtime: T - i * 1000 });
		}
		putEntries(lib, home, rows);
		const names = (text: string) => search(lib, { text }, { limit: 4 }).hits.map((h) => h.name);
		expect(explainSearch(lib, { text: 'a' }, { limit: 4 })).toContain('scan of "a" found 4');
		expect(names('a')).toEqual(['A0.txt', 'a1.txt', 'A6.txt', 'a7.txt']);
		expect(names('A')).toEqual(names('a'));
		// NOCASE and LIKE fold ASCII letters only, so the index does too.
		expect(explainSearch(lib, { text: 'é' }, { limit: 4 })).toContain('scan of "é" found 4');
		expect(names('é')).toEqual(['é2.txt', 'é8.txt', 'é14.txt', 'é20.txt']);
		expect(names('É')).toEqual(['É3.txt', 'É9.txt', 'É15.txt', 'É21.txt']);
		// A character of two UTF-16 units is one character to substr().
		expect(explainSearch(lib, { text: '😀' }, { limit: 4 })).toContain('scan of "😀" found 4');
		expect(names('😀')).toEqual(['😀4.txt', '😀10.txt', '😀16.txt', '😀22.txt']);
		expect(names('😀1')).toEqual(['😀10.txt', '😀16.txt', '😀100.txt', '😀106.txt']);
	});
});

describe("entries' copies of their content's facts (kind, date taken, shared)", () => {
	type Facts = { kind: string | null; taken_at: number | null; shared: number };
	const factsOf = (lib: OpenLibrary, name: string): Facts =>
		lib.sql.get<Facts>('SELECT kind, taken_at, shared FROM entry WHERE name = ?', [name]) as Facts;

	it('follow identify, media facts learnt later, copies added and removed, and folders', async () => {
		const { lib, home } = await fixture();
		// From the fixture: a content id set on an entry after its content row was written.
		expect(factsOf(lib, 'song.mp3')).toEqual({ kind: 'audio', taken_at: null, shared: 0 });
		expect(factsOf(lib, 'beach.jpg')).toEqual({ kind: 'image', taken_at: Date.UTC(2024, 4, 20), shared: 1 });
		expect(factsOf(lib, 'main.ts')).toEqual({ kind: null, taken_at: null, shared: 0 });
		expect(factsOf(lib, 'photos')).toMatchObject({ kind: 'folder' });

		// A kind corrected and a date taken read later reach every entry of the content.
		lib.sql.run("UPDATE content SET kind = 'video', taken_at = 7 WHERE cas_id = 'c-song'");
		expect(factsOf(lib, 'song.mp3')).toEqual({ kind: 'video', taken_at: 7, shared: 0 });
		// So do the media job's facts, which hits show without reading the content.
		lib.sql.run("UPDATE content SET width = 640, height = 480, duration = 12.5, thumb = 1 WHERE cas_id = 'c-song'");
		const [song] = search(lib, { text: 'song' }).hits;
		expect(song).toMatchObject({ kind: 'video', width: 640, height: 480, duration: 12.5, thumb: true, takenAt: 7 });

		// A second copy makes both shared; removing it makes the first alone again.
		putEntries(lib, home, [{ path: 'music/copy.mp3', isDir: false, size: 5 * MB, mtime: T }]);
		lib.sql.run("UPDATE entry SET cas_id = 'c-song' WHERE name = 'copy.mp3'");
		expect(factsOf(lib, 'copy.mp3')).toEqual({ kind: 'video', taken_at: 7, shared: 1 });
		expect(factsOf(lib, 'song.mp3').shared).toBe(1);
		lib.sql.run("DELETE FROM entry WHERE name = 'copy.mp3'");
		expect(factsOf(lib, 'song.mp3').shared).toBe(0);

		// An entry inserted with a content id already shared (as sync may bring it).
		const parent = lib.sql.get<{ id: number; location_id: number }>(
			"SELECT id, location_id FROM entry WHERE name = 'photos'"
		)!;
		lib.sql.run(
			`INSERT INTO entry (uuid, location_id, parent_id, name, extension, size, mtime, cas_id, seq)
			VALUES ('synced-uuid', ?, ?, 'synced.jpg', 'jpg', ?, ?, 'c-beach', 1)`,
			[parent.location_id, parent.id, 2 * MB, T]
		);
		expect(factsOf(lib, 'synced.jpg')).toEqual({ kind: 'image', taken_at: Date.UTC(2024, 4, 20), shared: 1 });

		// A content id changed or cleared, a content row written after its entries, and one deleted.
		lib.sql.run("UPDATE entry SET cas_id = 'c-late' WHERE name = 'main.ts'");
		expect(factsOf(lib, 'main.ts')).toEqual({ kind: null, taken_at: null, shared: 0 });
		lib.sql.run("INSERT INTO content (cas_id, kind, size, refs) VALUES ('c-late', 'code', 700, 1)");
		expect(factsOf(lib, 'main.ts')).toEqual({ kind: 'code', taken_at: null, shared: 0 });
		lib.sql.run("DELETE FROM content WHERE cas_id = 'c-late'");
		expect(factsOf(lib, 'main.ts')).toEqual({ kind: null, taken_at: null, shared: 0 });
		lib.sql.run("UPDATE entry SET cas_id = NULL WHERE name = 'synced.jpg'");
		expect(factsOf(lib, 'synced.jpg')).toEqual({ kind: null, taken_at: null, shared: 0 });

		// A folder replaced by a file loses the folder kind.
		lib.sql.run("UPDATE entry SET is_dir = 0 WHERE name = 'code'");
		expect(factsOf(lib, 'code')).toMatchObject({ kind: null });
	});
});

describe('search ranked in the shared and date-taken indexes', () => {
	it('duplicates in a size range, and photos taken in a range, are ranked in their indexes', async () => {
		const { lib, home, backup } = await fixture();
		const n = 3000;
		const rows = [{ path: 'dups', isDir: true, size: 0, mtime: T }];
		for (let i = 0; i < n; i++) rows.push({ path: `dups/d-${i}.jpg`, isDir: false, size: MB + i, mtime: T - i * 1000 });
		rows.push({ path: 'dups/d.jpg', isDir: false, size: 2 * MB, mtime: 0 });
		putEntries(lib, home, rows);
		lib.sql.run("INSERT INTO content (cas_id, kind, size, taken_at) VALUES ('c-many', 'image', 1, ?)", [T - DAY]);
		lib.sql.run("UPDATE entry SET cas_id = 'c-many' WHERE name LIKE 'd-%' OR name = 'd.jpg'");

		const big = { text: 'd', duplicates: true, minSize: MB + n - 3 } satisfies SearchQuery;
		expect(explainSearch(lib, big)).toContain('exact via duplicates');
		const result = search(lib, big, { limit: 3 });
		// d-(n-3) .. d-(n-1) and d.jpg: the exact name first though oldest, then newest first.
		expect(result).toMatchObject({ total: 4, totalExact: true });
		expect(result.hits.map((h) => h.name)).toEqual(['d.jpg', `d-${n - 3}.jpg`, `d-${n - 2}.jpg`]);
		expect(result.hits[0]).toMatchObject({ kind: 'image', takenAt: T - DAY });

		// Most of the library taken in the range: read newest first, a page's worth; the total is
		// then "at least" (or exact, if counted).
		const taken = { text: 'd-1', kinds: ['image'], takenFrom: T - 2 * DAY, locations: [home] } satisfies SearchQuery;
		const photos = search(lib, taken, { limit: 2 });
		const all = rows.filter((r) => /^dups\/d-1/.test(r.path)).length;
		expect(photos.hits.map((h) => h.name)).toEqual(['d-1.jpg', 'd-10.jpg']);
		if (photos.totalExact) expect(photos.total).toBe(all);
		else expect(photos.total).toBeGreaterThanOrEqual(2);
		expect(photos.total).toBeLessThanOrEqual(all);
		// A page past the last match has read them all: the total is exact.
		const last = search(lib, taken, { offset: 1000, limit: 1000 });
		expect(last).toMatchObject({ total: all, totalExact: true });
		expect(last.hits.length).toBe(all - 1000);
		// A few taken in a narrow range, among many others: read from the date-taken index.
		lib.sql.run("INSERT INTO content (cas_id, kind, size, taken_at) VALUES ('c-few', 'image', 1, ?)", [T - 400 * DAY]);
		lib.sql.run("UPDATE entry SET cas_id = 'c-few' WHERE name IN ('d-1.jpg', 'd-12.jpg', 'd-500.jpg')");
		const few = { ...taken, takenFrom: T - 401 * DAY, takenTo: T - 399 * DAY } satisfies SearchQuery;
		expect(explainSearch(lib, few)).toContain('exact via taken');
		expect(search(lib, few)).toMatchObject({ total: 2, totalExact: true });
		expect(search(lib, few).hits.map((h) => h.name)).toEqual(['d-1.jpg', 'd-12.jpg']);
		// Outside the range, on another location, or of another kind: nothing.
		expect(search(lib, { ...taken, takenTo: T - 3 * DAY }).total).toBe(0);
		expect(search(lib, { ...taken, locations: [backup] }).total).toBe(0);
		expect(search(lib, { ...taken, kinds: ['audio'] }).total).toBe(0);
	});
});
