import type { SearchHit, SearchPageOptions, SearchQuery, SearchResult, SearchSort } from '../api';
import { VdfsError } from '../errors';
import type { Sql } from '../db/sql';
import type { OpenLibrary } from '../library/library';
import { kindFromExtension } from '../identity/kind';
import { tagsWithDescendants } from '../tags/tags';
import { firstValue } from './statements';

/**
 * The search query builder. A search is a set of conditions over an entry `e` (and its content
 * `c` or folder `p`), and a plan for finding candidates without reading a library of a million
 * entries:
 *
 * - Each condition that an index or the statistics can list ("drivers": the trigram index for
 *   words of three or more letters, the name index for a prefix, tags, favorites, kinds, sizes,
 *   dates, shared contents, locations, files without a content id) is sized, counted up to CAP
 *   or read from stat_kind. The smallest under CAP gives the candidates; every condition is
 *   checked on each, and they are ranked exactly, all in SQL: ids first, rows for the page only.
 *   Candidates from the name index (entry_name_cover: name, hidden, date) are ranked in it, their
 *   rows read only for the page: a row costs ten index steps.
 * - When every driver is larger than CAP (a common letter, broad filters), entries are read
 *   newest first through entry_recent (date, hidden, name), stopping once the page is full: the
 *   first matches met are the most recent. The rows a word or the hidden flag rules out are
 *   never read. With text, exact names come first, then names starting
 *   with the text, then the rest, each newest first; the total is then "at least".
 * - Unless the filters together are narrow: from each driver's share of the library (as if they
 *   were independent) the scan's length is predicted, and when reading the smallest driver whole
 *   costs less, that is done instead (exact again). A scan that meets a page's worth of matches
 *   only deep in the library is what this avoids: 1.3 s for "i" with a kind, a location and a
 *   date taken, against 25 ms from the date's candidates (bench search, 1,000,000 entries).
 */

/** Candidates ranked exactly whatever the cost; above it, the cheaper of a scan and the smallest driver. */
export const CAP = 8000;
export const SEARCH_LIMIT_MAX = 1000;

/**
 * Relative costs, measured in Node on the bench's library of 1,000,000 entries: reading a
 * candidate's row (a random read of a 490 MiB table) and testing it ~2 µs; a step of the
 * newest-first or name index with a word tested ~0.2 µs; going from a content to its entries
 * (the entry_cas index) about as much as the row again.
 */
const ROW = 1;
const VIA_CONTENT = 2;
/** A candidate whose conditions its index entry answers (a prefix without filters). */
const IN_INDEX = 0.1;
/** A row of a scan: an index step, and for some rows (those a word lets through) the row itself. */
const SCAN_ROW = 0.15;
/** Rows of a scan's first window (then 4x each). */
const FIRST_WINDOW = 4096;
/** Drivers sized in this order: usually small ones and those read from statistics first, so the
 * counts of the rest stop early. */
const SIZING_ORDER = [
	'tags',
	'favorites',
	'unidentified',
	'kinds',
	'locations',
	'text',
	'prefix',
	'taken',
	'size',
	'modified',
	'duplicates'
];

/**
 * Bound parameters, named, so a fragment can use its values anywhere and each statement binds
 * just the ones its text holds (SQLite refuses a value for a parameter a statement lacks).
 */
class Params {
	#values: (string | number | null)[] = [];
	add(value: string | number | null): string {
		this.#values.push(value);
		return `$p${this.#values.length}`;
	}
	for(text: string): Record<string, string | number | null> {
		const bound: Record<string, string | number | null> = {};
		for (const [name, n] of text.matchAll(/\$p(\d+)/g)) bound[name] = this.#values[Number(n) - 1];
		return bound;
	}
	/** A list, as `(SELECT value FROM json_each(…))` for `IN`. */
	list(values: readonly unknown[]): string {
		return `(SELECT value FROM json_each(${this.add(JSON.stringify(values))}))`;
	}
	count(sql: Sql, text: string): number {
		return this.value<number>(sql, text) ?? 0;
	}
	value<T extends number | string>(sql: Sql, text: string): T | undefined {
		return (firstValue(sql.db, text, this.#bind(text)) ?? undefined) as T | undefined;
	}
	/** Rows of one `json_group_array()`, as Sql.json. */
	rows<T>(sql: Sql, text: string): T[] {
		const json = firstValue(sql.db, text, this.#bind(text));
		return typeof json === 'string' ? (JSON.parse(json) as T[]) : [];
	}
	#bind(text: string): Record<string, string | number | null> | undefined {
		const bound = this.for(text);
		return Object.keys(bound).length > 0 ? bound : undefined;
	}
}

interface Condition {
	sql: string;
	/** Another row it reads: the folder (`p`). */
	join?: 'p';
	/**
	 * Needs only what the newest-first and name indexes hold (mtime, name, hidden, the rowid),
	 * so a scan tests it before reading the row. Such conditions come first in a WHERE: SQLite
	 * reads the row only when a later one needs a column the index lacks.
	 */
	indexed?: boolean;
	/** Tested on the row, but only of the few rows an indexed condition lets through (counted as indexed). */
	cheap?: boolean;
	/**
	 * Implied by another condition, there to spare row reads of an index scan: left out where the
	 * row is read anyway (LIKE '%.png' costs ~0.4 µs a candidate, bench search, Node).
	 */
	prefilter?: boolean;
}

interface Driver {
	/** For diagnostics (explainSearch). */
	name: string;
	/** Entry ids (column `id`). */
	sql: string;
	/** Conditions this driver already guarantees (left out of the check). */
	covers: string[];
	/** Each id at most once. */
	unique: boolean;
	/** How many candidates: counted up to `cap` (then cap + 1), or an estimate from statistics. */
	size(cap: number): number;
	/** The cost of reading one candidate (units of ROW). */
	cost: number;
	/** Its `from` is an index holding every `indexed` column: IN_INDEX when the other conditions are all such. */
	inIndex?: boolean;
	/** Candidates ranked exactly at most (CAP unless they cost less than a row each). */
	most?: number;
	/** A small driver's ids also make its condition cheap: `e.id IN (ids)`, read once. */
	asSet?: string;
	/** A condition `from` needs beside the others (a stretch of an index it reads). */
	range?: Condition;
	/**
	 * The candidates as a FROM of `e` and its content `c` together, for drivers that start from
	 * the content: its own condition then picks the content index, and the content is read once.
	 */
	from?: string;
}

interface Sized {
	driver: Driver;
	n: number;
	/** Counting stopped: at least n. */
	more: boolean;
}

interface Plan {
	params: Params;
	/** Conditions by name. */
	where: Map<string, Condition>;
	drivers: Driver[];
	/** The whole text, folded and trimmed ('' without text). */
	text: string;
	/** Rank class expression (0 exact, 1 prefix, 2 other). */
	rank: string;
	/** Rank 0: the name is the text, or the text and an extension. */
	exactName: string;
	/** The name starts with the text (rank 0 or 1). */
	startsName: string;
	/** The text matches only at the start of names (one word under three letters): no rank 2. */
	prefixOnly: boolean;
}

/** The newest-first index: dates, hidden flags and names, so a scan tests a word without the row. */
const RECENT_INDEX = 'entry_recent';
/** Names (NOCASE) with hidden flags and dates: a prefix's candidates ranked without their rows. */
const NAME_INDEX = 'entry_name_cover';

/** Names in [lo, hi) along the name index. */
function nameRange(params: Params, lo: string, hi: string): Condition {
	return {
		sql: `e.name >= ${params.add(lo)} COLLATE NOCASE AND e.name < ${params.add(hi)} COLLATE NOCASE`,
		indexed: true
	};
}

const like = (s: string): string => s.replace(/[\\%_]/g, (ch) => '\\' + ch);
/** ASCII letters folded, as NOCASE and LIKE fold them. */
const fold = (s: string): string => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

/**
 * The smallest string above every string that starts with `prefix` (folded) in NOCASE order.
 * '@' + 1 is 'A', which NOCASE reads as 'a': '[' is the next character a folded name can hold.
 */
function prefixEnd(prefix: string): string {
	const last = prefix.charCodeAt(prefix.length - 1);
	const next = last === 0x40 ? 0x5b : last + 1;
	return prefix.slice(0, -1) + String.fromCharCode(next);
}

/** A NOCASE range is a prefix test only when the last character is one UTF-16 unit below U+FFFF. */
const rangeable = (prefix: string): boolean => {
	const last = prefix.charCodeAt(prefix.length - 1);
	return !(last >= 0xd800 && last <= 0xdfff) && last < 0xffff;
};

/**
 * `e.name` starts with the folded `prefix`, any ASCII case (as LIKE 'prefix%'), as two NOCASE
 * comparisons: ~0.05 µs a name against ~0.4 µs for LIKE, a function call (bench search, Node).
 */
function startsWith(params: Params, prefix: string): string {
	if (!rangeable(prefix)) return `e.name LIKE ${params.add(like(prefix) + '%')} ESCAPE '\\'`;
	return `(e.name >= ${params.add(prefix)} COLLATE NOCASE AND e.name < ${params.add(prefixEnd(prefix))} COLLATE NOCASE)`;
}

function words(text: string): { name: string[]; path: string[] } {
	const all = text.trim().split(/\s+/).filter(Boolean);
	return { name: all.filter((w) => !w.includes('/')), path: all.filter((w) => w.includes('/')) };
}

const KINDS: readonly string[] = [
	'image',
	'video',
	'audio',
	'document',
	'text',
	'code',
	'archive',
	'font',
	'executable',
	'folder',
	'unknown'
];

/** Refuses a query that is not one (it may come from another tab, a peer, or a stored search). */
export function checkQuery(q: SearchQuery): void {
	if (!q || typeof q !== 'object') throw new VdfsError('InvalidInput', 'This search cannot run: it is not a query.');
	const bad = (why: string): never => {
		throw new VdfsError('InvalidInput', `This search cannot run: ${why}.`);
	};
	const num = (v: unknown, name: string) => {
		if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) bad(`${name} is not a number`);
	};
	if (q.text !== undefined && typeof q.text !== 'string') bad('the text is not text');
	if ((q.text ?? '').length > 500) bad('the text is longer than 500 characters');
	for (const k of ['minSize', 'maxSize', 'modifiedFrom', 'modifiedTo', 'takenFrom', 'takenTo'] as const) num(q[k], k);
	for (const k of q.kinds ?? []) if (!KINDS.includes(k)) bad(`“${String(k)}” is not a kind`);
	for (const list of [q.extensions, q.locations, q.devices, q.tags?.any, q.tags?.all, q.tags?.none]) {
		if (list !== undefined && (!Array.isArray(list) || list.some((v) => typeof v !== 'string')))
			bad('a list holds something else');
	}
}

function plan(lib: OpenLibrary, q: SearchQuery): Plan {
	checkQuery(q);
	const sql = lib.sql;
	const P = new Params();
	const where = new Map<string, Condition>();
	const drivers: Driver[] = [];
	const capped = (driver: string) => (cap: number) => P.count(sql, `SELECT count(*) FROM (${driver} LIMIT ${cap + 1})`);
	const text = (q.text ?? '').trim();
	const { name: nameWords, path: pathWords } = words(text);
	const long = nameWords.filter((w) => [...w].length >= 3);

	where.set('entry', { sql: 'e.parent_id IS NOT NULL', indexed: true });
	if (!q.hidden) {
		where.set('hidden', { sql: 'e.hidden = 0', indexed: true });
		// Marks are few, and usually none: the marked entries are listed once per search and bound as
		// a list. Tested against that list a candidate costs next to nothing; against the same ids
		// as a subquery ~0.4 µs ("scre" with png: 16,559 candidates, 7 ms more; bench search, Node).
		const marked = sql.json<number>(
			`SELECT json_group_array(id) FROM (SELECT h.id FROM user_meta um INDEXED BY user_meta_hidden
				JOIN entry h ON h.cas_id = um.target WHERE um.hidden = 1
				UNION ALL SELECT h.id FROM user_meta um INDEXED BY user_meta_hidden
				JOIN entry h ON h.uuid = um.target WHERE um.hidden = 1)`
		);
		if (marked.length > 0) where.set('hidden-marked', { sql: `e.id NOT IN ${P.list(marked)}`, indexed: true });
	}
	// Words: anywhere in the name; with none of three letters, the first one starts it.
	const prefixOnly = long.length === 0 && nameWords.length > 0;
	nameWords.forEach((w, i) => {
		const test =
			prefixOnly && i === 0 ? startsWith(P, fold(w)) : `e.name LIKE ${P.add('%' + like(w) + '%')} ESCAPE '\\'`;
		where.set(`word${i}`, { sql: test, indexed: true });
	});
	pathWords.forEach((w, i) => {
		where.set(`path${i}`, {
			sql: `(p.path || '/' || e.name) LIKE ${P.add('%' + like(w) + '%')} ESCAPE '\\'`,
			join: 'p'
		});
	});
	if (long.length > 0) {
		// Each word a quoted FTS5 string, matched literally (double quotes doubled), all of them.
		const match = long.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
		const fts = `SELECT rowid AS id FROM entry_fts WHERE entry_fts MATCH ${P.add(match)}`;
		drivers.push({
			name: 'text',
			sql: fts,
			covers: nameWords.flatMap((w, i) => (long.includes(w) ? [`word${i}`] : [])),
			unique: true,
			size: capped(fts),
			cost: ROW
		});
	} else if (nameWords.length > 0) {
		const lo = fold(nameWords[0]);
		const range = nameRange(P, lo, prefixEnd(lo));
		const prefix = `SELECT id FROM entry e INDEXED BY ${NAME_INDEX} WHERE e.parent_id IS NOT NULL AND ${range.sql}`;
		drivers.push({
			name: 'prefix',
			sql: prefix,
			from: `entry e INDEXED BY ${NAME_INDEX}`,
			range,
			covers: ['word0'],
			unique: true,
			size: capped(prefix),
			cost: ROW
		});
	}

	if (q.kinds?.length) {
		const kinds = [...new Set(q.kinds)];
		const list = P.list(kinds);
		// The entry's copy of its content's kind is in the scan and name indexes; only files without
		// a content row read the row for the kind their name suggests.
		where.set('kinds', {
			sql: `(e.kind IN ${list} OR (e.kind IS NULL AND iif(e.is_dir, 'folder', orrery_ext_kind(e.extension)) IN ${list}))`,
			indexed: true
		});
		if (!kinds.includes('folder')) {
			// Files without a content id yet count as the kind their name suggests: a call into JS
			// each (~3 µs), so only on those.
			drivers.push({
				name: 'kinds',
				sql: `SELECT e.id FROM content ct JOIN entry e ON e.cas_id = ct.cas_id WHERE ct.kind IN ${list}
					UNION ALL SELECT id FROM entry INDEXED BY entry_unidentified
					WHERE cas_id IS NULL AND is_dir = 0 AND size > 0 AND orrery_ext_kind(extension) IN ${list}
					UNION ALL SELECT id FROM entry INDEXED BY entry_size
					WHERE is_dir = 0 AND size = 0 AND orrery_ext_kind(extension) IN ${list}`,
				covers: [],
				unique: true,
				// The statistics count files by kind, and those still without one as 'pending'/'empty'.
				size: () =>
					P.count(
						sql,
						`SELECT coalesce(sum(files), 0) FROM stat_kind WHERE kind IN ${list} OR kind IN ('pending', 'empty')`
					),
				cost: VIA_CONTENT
			});
		}
	}
	if (q.extensions?.length) {
		const exts = [...new Set(q.extensions.map((x) => x.replace(/^\./, '').toLowerCase()))];
		where.set('extensions', { sql: `e.extension IN ${P.list(exts)}` });
		const checked = where.get('extensions')!;
		// The extension is cut from the name, so the name ends with it: tested in the name and date
		// indexes first, the rows of other names are never read.
		if (exts.length <= 8 && !exts.includes('')) {
			const ends = exts.map((x) => `e.name LIKE ${P.add('%.' + like(x))} ESCAPE '\\'`);
			where.set('extensions-name', { sql: `(${ends.join(' OR ')})`, indexed: true, prefilter: true });
			// Only the names ending so read the row for it.
			checked.cheap = true;
		}
	}
	if (q.minSize !== undefined || q.maxSize !== undefined) {
		const min = P.add(q.minSize ?? 0);
		const max = P.add(q.maxSize ?? Number.MAX_SAFE_INTEGER);
		where.set('size', { sql: `e.is_dir = 0 AND e.size >= ${min} AND e.size <= ${max}` });
		const sized = `SELECT id FROM entry WHERE is_dir = 0 AND size >= ${min} AND size <= ${max}`;
		drivers.push({ name: 'size', sql: sized, covers: ['size'], unique: true, size: capped(sized), cost: ROW });
	}
	if (q.modifiedFrom !== undefined || q.modifiedTo !== undefined) {
		const from = P.add(q.modifiedFrom ?? -Number.MAX_SAFE_INTEGER);
		const to = P.add(q.modifiedTo ?? Number.MAX_SAFE_INTEGER);
		where.set('modified', { sql: `e.mtime >= ${from} AND e.mtime < ${to}`, indexed: true });
		const modified = `SELECT id FROM entry WHERE parent_id IS NOT NULL AND mtime >= ${from} AND mtime < ${to}`;
		drivers.push({
			name: 'modified',
			sql: modified,
			covers: ['modified'],
			unique: true,
			size: capped(modified),
			cost: ROW
		});
	}
	if (q.takenFrom !== undefined || q.takenTo !== undefined) {
		const from = P.add(q.takenFrom ?? -Number.MAX_SAFE_INTEGER);
		const to = P.add(q.takenTo ?? Number.MAX_SAFE_INTEGER);
		const range = { sql: `e.taken_at >= ${from} AND e.taken_at < ${to}`, indexed: true };
		where.set('taken', { sql: range.sql });
		// The entries' copy of the date, in an index that also holds what the other filters test.
		const taken = `SELECT id FROM entry e INDEXED BY entry_taken WHERE ${range.sql}`;
		drivers.push({
			name: 'taken',
			sql: taken,
			from: 'entry e INDEXED BY entry_taken',
			range,
			covers: ['taken'],
			unique: true,
			size: (cap) => P.count(sql, `SELECT count(*) FROM (${taken} LIMIT ${cap + 1})`),
			cost: ROW,
			inIndex: true
		});
	}
	const tagged = (key: string, tags: readonly string[], driven: boolean) => {
		const list = P.list(tagsWithDescendants(lib, tags));
		const test = `EXISTS (SELECT 1 FROM tag_link t WHERE t.linked = 1 AND t.target IN (e.cas_id, e.uuid) AND t.tag IN ${list})`;
		where.set(key, { sql: key === 'tags-none' ? `NOT ${test}` : test });
		if (!driven) return;
		const ids = `SELECT e.id FROM tag_link t JOIN entry e ON e.cas_id = t.target WHERE t.linked = 1 AND t.tag IN ${list}
			UNION ALL SELECT e.id FROM tag_link t JOIN entry e ON e.uuid = t.target WHERE t.linked = 1 AND t.tag IN ${list}`;
		drivers.push({
			name: 'tags',
			sql: ids,
			covers: [key],
			unique: false,
			size: capped(ids),
			cost: VIA_CONTENT,
			asSet: key
		});
	};
	if (q.tags?.any?.length) tagged('tags-any', q.tags.any, true);
	(q.tags?.all ?? []).forEach((tag, i) => tagged(`tags-all${i}`, [tag], true));
	if (q.tags?.none?.length) tagged('tags-none', q.tags.none, false);
	const inLocations = (locations: string): void => {
		// The folders of those locations, walked down from their roots: cheap for a small location
		// (a stick, a phone), and sized from the statistics first.
		const walk = `WITH RECURSIVE sub(id, is_dir) AS (
				SELECT id, 1 FROM entry WHERE parent_id IS NULL AND location_id IN ${locations}
				UNION ALL SELECT k.id, k.is_dir FROM sub JOIN entry k INDEXED BY entry_child_order ON k.parent_id = sub.id
				WHERE sub.is_dir)
			SELECT id FROM sub`;
		drivers.push({
			name: 'locations',
			sql: walk,
			covers: [],
			unique: true,
			size: () => P.count(sql, `SELECT coalesce(sum(files), 0) FROM stat_kind WHERE location_id IN ${locations}`),
			cost: ROW * 1.5
		});
	};
	if (q.locations?.length) {
		const locations = `(SELECT id FROM location WHERE uuid IN ${P.list(q.locations)})`;
		where.set('locations', { sql: `e.location_id IN ${locations}`, indexed: true });
		inLocations(locations);
	}
	if (q.devices?.length) {
		const locations = `(SELECT id FROM location WHERE device_id IN (SELECT id FROM device WHERE uuid IN ${P.list(q.devices)}))`;
		where.set('devices', { sql: `e.location_id IN ${locations}`, indexed: true });
		inLocations(locations);
	}
	if (q.favorites) {
		where.set('favorites', {
			sql: `EXISTS (SELECT 1 FROM user_meta um WHERE um.favorite = 1 AND um.target IN (e.cas_id, e.uuid))`
		});
		const ids = `SELECT e.id FROM user_meta um JOIN entry e ON e.cas_id = um.target WHERE um.favorite = 1
			UNION ALL SELECT e.id FROM user_meta um JOIN entry e ON e.uuid = um.target WHERE um.favorite = 1`;
		drivers.push({
			name: 'favorites',
			sql: ids,
			covers: ['favorites'],
			unique: false,
			size: capped(ids),
			cost: VIA_CONTENT,
			asSet: 'favorites'
		});
	}
	if (q.duplicates) {
		where.set('duplicates', { sql: 'e.shared = 1' });
		// The shared entries' own index leads with the size, so a size range is a stretch of it.
		const sized = where.get('size');
		// (A shared entry is a file: no is_dir, which the index lacks.)
		const bounds = sized ? ` AND ${sized.sql.replace('e.is_dir = 0 AND ', '')}` : '';
		const range = { sql: `e.shared = 1${bounds}`, indexed: true };
		const shared = `SELECT id FROM entry e INDEXED BY entry_shared WHERE ${range.sql}`;
		drivers.push({
			name: 'duplicates',
			sql: shared,
			from: 'entry e INDEXED BY entry_shared',
			range,
			covers: sized ? ['duplicates', 'size'] : ['duplicates'],
			unique: true,
			size: (cap) => P.count(sql, `SELECT count(*) FROM (${shared} LIMIT ${cap + 1})`),
			cost: ROW,
			inIndex: true
		});
	}
	if (q.unidentified) {
		where.set('unidentified', { sql: 'e.cas_id IS NULL AND e.is_dir = 0 AND e.size > 0' });
		const ids = 'SELECT id FROM entry INDEXED BY entry_unidentified WHERE cas_id IS NULL AND is_dir = 0 AND size > 0';
		drivers.push({
			name: 'unidentified',
			sql: ids,
			covers: ['unidentified'],
			unique: true,
			size: capped(ids),
			cost: ROW
		});
	}

	// A driver whose index entries answer the other conditions never reads a row but the page's.
	// Such candidates are ranked exactly even past CAP (those of the date taken and of the shared
	// entries: "d" among 46,668 large duplicates in ~5 ms); a prefix's go through `named`.
	for (const d of drivers) {
		if (
			(d.name === 'prefix' || d.inIndex) &&
			[...where].every(([k, c]) => d.covers.includes(k) || c.indexed || c.cheap)
		) {
			d.cost = IN_INDEX;
			if (d.inIndex) d.most = Math.floor(CAP / IN_INDEX);
		}
	}
	const folded = fold(text);
	// Index-only (no extension column): "t" itself, or "t.ext" with no other dot after it, as
	// extensionOf() cuts an extension; so the name indexes rank candidates without their rows.
	// Names above "t." and below "t/" (NOCASE) are those starting "t." with more after it: compared,
	// not cut with substr(), which cost ~0.8 µs a candidate ("2": 6,497 ranked in 8.5 ms, bench search).
	const exactName = folded
		? `(e.name = ${P.add(folded)} COLLATE NOCASE OR (e.name > ${P.add(folded + '.')} COLLATE NOCASE
				AND e.name < ${P.add(folded + '/')} COLLATE NOCASE AND instr(substr(e.name, ${[...folded].length + 2}), '.') = 0))`
		: 'false';
	const startsName = folded ? startsWith(P, folded) : 'false';
	const rank = folded ? `CASE WHEN ${exactName} THEN 0 WHEN ${startsName} THEN 1 ELSE 2 END` : '2';
	return {
		params: P,
		where,
		drivers,
		text: folded,
		rank,
		exactName,
		startsName,
		prefixOnly: prefixOnly && nameWords.length === 1 && pathWords.length === 0
	};
}

type HitRow = [
	id: number,
	uuid: string,
	name: string,
	extension: string,
	isDir: number,
	size: number,
	mtime: number | null,
	hidden: number,
	casId: string | null,
	kind: string | null,
	width: number | null,
	height: number | null,
	duration: number | null,
	takenAt: number | null,
	thumb: number | null,
	locationId: number,
	dirPath: string
];

/**
 * Hits of these ids, in this order. Rows come as JSON arrays and become objects here, the
 * locations and devices (a handful) are read once, and a file without a content id gets the
 * kind its extension suggests in JS: 200 hits in ~1.5 ms instead of ~4 ms for json_object()
 * with the kind function called from SQL (bench search, Node).
 */
function hitsOf(lib: OpenLibrary, ids: readonly number[]): SearchHit[] {
	if (ids.length === 0) return [];
	const rows = lib.sql.json<HitRow>(
		`SELECT json_group_array(json_array(e.id, e.uuid, e.name, e.extension, e.is_dir, e.size, e.mtime, e.hidden,
			e.cas_id, c.kind, c.width, c.height, c.duration, c.taken_at, c.thumb, e.location_id, p.path))
		FROM entry e JOIN entry p ON p.id = e.parent_id LEFT JOIN content c ON c.cas_id = e.cas_id
		WHERE e.id IN (SELECT value FROM json_each(?))`,
		[JSON.stringify(ids)]
	);
	const places = new Map(
		lib.sql
			.json<[number, string, string, string, number]>(
				`SELECT json_group_array(json_array(l.id, l.uuid, l.name, d.name, l.device_id))
				FROM location l JOIN device d ON d.id = l.device_id`
			)
			.map((l) => [l[0], l])
	);
	const byId = new Map(rows.map((r) => [r[0], r]));
	const hits: SearchHit[] = [];
	for (const id of ids) {
		const r = byId.get(id);
		const place = r && places.get(r[15]);
		if (!r || !place) continue;
		const [, uuid, name, extension, isDir, size, mtime, hidden, casId, kind] = r;
		hits.push({
			id: uuid,
			name,
			extension,
			isDir: isDir === 1,
			size,
			mtime,
			hidden: hidden === 1,
			casId,
			kind: isDir ? 'folder' : (kind ?? kindFromExtension(extension).kind),
			width: r[10],
			height: r[11],
			duration: r[12],
			takenAt: r[13],
			thumb: r[14] === 1,
			locationId: place[1],
			locationName: place[2],
			dirPath: r[16],
			deviceName: place[3],
			here: place[4] === lib.deviceRowId
		} as SearchHit);
	}
	return hits;
}

/** The order of a sort over the candidates `m` (columns id, r for the rank, mtime, name_key, name, size). */
function orderBy(sort: SearchSort, descending: boolean): string {
	const dir = descending ? 'DESC' : 'ASC';
	switch (sort) {
		case 'relevance':
			return 'm.r, m.mtime DESC NULLS LAST, m.name_key, m.name';
		case 'name':
			return `m.name_key ${dir}, m.name ${dir}`;
		case 'size':
			return `m.size ${dir}, m.name_key, m.name`;
		case 'mtime':
			return `m.mtime ${dir} NULLS LAST, m.name_key, m.name`;
	}
}

/** The conditions as one WHERE body: those the scan index answers first, then the rest. */
function whereOf(conditions: readonly Condition[]): { sql: string; joins: string } {
	const ordered = [...conditions.filter((c) => c.indexed), ...conditions.filter((c) => !c.indexed)];
	const joins = conditions.some((c) => c.join === 'p') ? 'CROSS JOIN entry p ON p.id = e.parent_id' : '';
	return { sql: ordered.map((c) => c.sql).join(' AND ') || 'true', joins };
}

/** Runs a search: see the comment at the top for how it finds its candidates. */
export function search(lib: OpenLibrary, q: SearchQuery, options: SearchPageOptions = {}): SearchResult {
	return run(lib, q, options, []);
}

/** Which way a search goes (drivers and their sizes, exact or scan), for benchmarks and tuning. */
export function explainSearch(lib: OpenLibrary, q: SearchQuery, options: SearchPageOptions = {}): string {
	const notes: string[] = [];
	run(lib, q, options, notes);
	return notes.join('; ');
}

function run(lib: OpenLibrary, q: SearchQuery, options: SearchPageOptions, notes: string[]): SearchResult {
	const offset = Math.max(0, Math.floor(options.offset ?? 0));
	const limit = Math.max(1, Math.min(Math.floor(options.limit ?? 200), SEARCH_LIMIT_MAX));
	const sort = options.sort ?? 'relevance';
	const descending = options.descending ?? false;
	const p = plan(lib, q);
	const sql = lib.sql;
	const params = p.params;
	const wanted = offset + limit;

	const hits = (ids: readonly number[]): SearchHit[] => hitsOf(lib, ids);
	/** Ids of candidates `from` passing `conditions`, ordered, and how many pass. */
	const exact = (from: string, conditions: Condition[], by: SearchSort, down: boolean, n: number, skip: number) => {
		// All candidates passing go to a temporary table once: counted, then sorted for the page.
		const w = whereOf(conditions);
		const order = orderBy(by, down);
		if (by !== 'relevance' && !(by === 'mtime' && down)) {
			const [count, ids] = params.rows<number | number[]>(
				sql,
				`WITH m AS MATERIALIZED (SELECT e.id, ${p.rank} AS r, e.mtime, e.name_key, e.name, e.size
					FROM ${from} ${w.joins} WHERE ${w.sql})
				SELECT json_array((SELECT count(*) FROM m),
					json((SELECT json_group_array(id) FROM (SELECT m.id FROM m ORDER BY ${order} LIMIT ${n} OFFSET ${skip}))))`
			) as [number, number[]];
			return { count, ids };
		}
		// Rank and date only, which the name and date indexes hold: candidates found through them
		// are ranked without their rows. The rows' natural name keys break ties, read only for the
		// page and the candidates tied with its last one (bound: that one's rank and date).
		const r = by === 'relevance' ? p.rank : '0';
		const [count, ids] = params.rows<number | number[]>(
			sql,
			`WITH m AS MATERIALIZED (SELECT e.id, ${r} AS r, e.mtime FROM ${from} ${w.joins} WHERE ${w.sql}),
				b AS (SELECT r, mtime FROM m ORDER BY r, mtime DESC NULLS LAST LIMIT 1 OFFSET ${n + skip - 1})
			SELECT json_array((SELECT count(*) FROM m), json((SELECT json_group_array(id) FROM (
				SELECT m.id FROM m CROSS JOIN entry x ON x.id = m.id
				WHERE NOT EXISTS (SELECT 1 FROM b) OR m.r < (SELECT r FROM b)
					OR (m.r = (SELECT r FROM b) AND ((SELECT mtime FROM b) IS NULL OR m.mtime >= (SELECT mtime FROM b)))
				ORDER BY m.r, m.mtime DESC NULLS LAST, x.name_key, x.name LIMIT ${n} OFFSET ${skip}))))`
		) as [number, number[]];
		return { count, ids };
	};
	// CROSS JOIN keeps the candidates the outer loop: SQLite would otherwise read a word's LIKE
	// through the name index instead (a range of every name starting with a common letter).
	const candidates = (driver: Driver) =>
		driver.from ??
		(driver.unique
			? `(${driver.sql}) cand CROSS JOIN entry e ON e.id = cand.id`
			: `(SELECT DISTINCT id FROM (${driver.sql})) cand CROSS JOIN entry e ON e.id = cand.id`);
	const exactVia = (driver: Driver | null): SearchResult => {
		const covered = new Set(driver?.covers ?? []);
		const readsRows = !driver?.from;
		const conditions = [...p.where]
			.filter(([k, c]) => !covered.has(k) && !(readsRows && c.prefilter))
			.map(([, v]) => v);
		notes.push(`exact via ${driver?.name ?? 'all entries'}`);
		if (driver?.range) conditions.push(driver.range);
		const page = exact(driver ? candidates(driver) : 'entry e', conditions, sort, descending, limit, offset);
		return { hits: hits(page.ids), offset, total: page.count, totalExact: true };
	};

	// Size the drivers, small ones and those read from statistics first, each counted only as
	// far as it could still beat the best so far.
	const sized: Sized[] = [];
	let best: Sized | null = null;
	const known = (s: Sized | null): s is Sized => s !== null && !s.more;
	const costOf = (s: Sized) => s.n * s.driver.cost;
	const first = (d: Driver) => SIZING_ORDER.indexOf(d.name);
	for (const driver of [...p.drivers].sort((a, b) => first(a) - first(b))) {
		const most = driver.most ?? CAP;
		const cap = Math.min(most, known(best) ? Math.ceil(costOf(best) / driver.cost) : most);
		const n = driver.size(cap);
		const s = { driver, n, more: n > cap };
		sized.push(s);
		if (!s.more && (!known(best) || costOf(s) < costOf(best))) best = s;
	}
	notes.push(...sized.map((s) => `${s.driver.name} ${s.more ? '>' : ''}${s.more ? s.n - 1 : s.n}`));
	// Small drivers' ids make their own conditions cheap to test on any path.
	for (const s of sized) {
		if (s.driver.asSet && !s.more) {
			p.where.set(s.driver.asSet, { sql: `e.id IN (SELECT id FROM (${s.driver.sql}))`, indexed: true });
		}
	}
	if (known(best) || (sort !== 'relevance' && sort !== 'mtime')) return exactVia(known(best) ? best.driver : null);

	/**
	 * The driver to read whole rather than scan on, when one costs less than `scanCost`: each
	 * counted only up to where it would stop being cheaper.
	 */
	let tried = false;
	const cheaperThan = (scanCost: number): Driver | null => {
		if (tried) return null;
		tried = true;
		let found: Sized | null = null;
		for (const s of sized) {
			const cap = Math.floor((found ? Math.min(scanCost, costOf(found)) : scanCost) / s.driver.cost);
			if (cap <= (s.driver.most ?? CAP)) continue;
			const n = s.driver.size(cap);
			if (n <= cap) found = { driver: s.driver, n, more: false };
		}
		notes.push(found ? `${found.driver.name} ${found.n} cheaper` : 'no driver cheaper');
		return found?.driver ?? null;
	};
	class Fallback {
		constructor(readonly driver: Driver) {}
	}

	// Everything is common: newest first through the mtime index, stopping when the page is full.
	const total = sql.value<number>('SELECT coalesce(sum(files), 0) FROM stat_kind') ?? 0;
	const conditions = [...p.where.values()];
	const ids: number[] = [];
	const newest = !(sort === 'mtime' && !descending);
	/**
	 * Reads entries in mtime order, a window at a time (the first small, each next four times the
	 * last), until `need` pass: after each window the matches met so far predict the rest of
	 * the scan, and a driver that costs less than that prediction is read whole instead.
	 */
	const scan = (extra: Condition[]): number[] => {
		const w = whereOf([...conditions, ...extra]);
		const need = wanted - ids.length;
		const found: number[] = [];
		const range = p.where.get('modified')?.sql ?? 'true';
		const [beyond, within] = newest ? ['<', '>='] : ['>', '<='];
		let bound: string | null = null;
		let read = 0;
		for (let window = FIRST_WINDOW; found.length < need; window *= 4) {
			const past: string = bound === null ? 'true' : `e.mtime ${beyond} ${bound}`;
			const edge: number | undefined = params.value<number>(
				sql,
				`SELECT e.mtime FROM entry e INDEXED BY ${RECENT_INDEX} WHERE e.parent_id IS NOT NULL AND ${range} AND ${past}
					ORDER BY e.mtime ${newest ? 'DESC' : 'ASC'} LIMIT 1 OFFSET ${window}`
			);
			const upTo = edge === undefined ? 'true' : `e.mtime ${within} ${edge}`;
			found.push(
				...params.rows<number>(
					sql,
					`SELECT json_group_array(id) FROM (SELECT e.id FROM entry e INDEXED BY ${RECENT_INDEX} ${w.joins}
						WHERE ${past} AND ${upTo} AND ${w.sql} ORDER BY e.mtime ${newest ? 'DESC' : 'ASC'}
						LIMIT ${need - found.length})`
				)
			);
			read += window;
			if (edge === undefined) {
				// The end; entries without a date come last either way.
				if (found.length < need) {
					found.push(
						...params.rows<number>(
							sql,
							`SELECT json_group_array(id) FROM (SELECT e.id FROM entry e INDEXED BY ${RECENT_INDEX} ${w.joins}
								WHERE e.mtime IS NULL AND ${w.sql} LIMIT ${need - found.length})`
						)
					);
				}
				break;
			}
			bound = String(edge);
			if (found.length >= need) break;
			const rest = Math.max(0, total - read);
			const predicted = found.length > 0 ? Math.min(rest, ((need - found.length) * read) / found.length) : rest;
			const driver = predicted * SCAN_ROW > CAP * ROW ? cheaperThan(predicted * SCAN_ROW) : null;
			if (driver) throw new Fallback(driver);
		}
		notes.push(`scan found ${found.length} in ~${read} rows`);
		return found;
	};
	/**
	 * Names in [lo, hi) (a stretch of the name index): exactly when few, else by the scan. When
	 * the index entries answer every condition, "few" is larger: ranking n of them costs ~n index
	 * steps, a scan ~need × total / n, so up to sqrt(need × total) (~14,000 names for a page of
	 * 200 in 1,000,000: "rea" ranks its 12,464 names in a few ms instead of reading 14,564 rows).
	 */
	const named = (lo: string, hi: string, test: Condition[]) => {
		const range = nameRange(params, lo, hi);
		const inRange = `SELECT 1 FROM entry e INDEXED BY ${NAME_INDEX} WHERE e.parent_id IS NOT NULL AND ${range.sql}`;
		const inIndex = [...conditions, ...test].every((c) => c.indexed);
		const few = inIndex ? Math.max(CAP, Math.ceil(Math.sqrt((wanted - ids.length) * total))) : CAP;
		if (params.count(sql, `SELECT count(*) FROM (${inRange} LIMIT ${few + 1})`) > few) return scan(test);
		const from = `entry e INDEXED BY ${NAME_INDEX}`;
		const found = exact(from, [range, ...conditions, ...test], 'mtime', true, wanted - ids.length, 0).ids;
		notes.push(`names [${lo}, ${hi}) found ${found.length}`);
		return found;
	};
	try {
		if (p.text && sort === 'relevance') {
			// Exact names ("t" and "t.ext"), names starting with the text, then the rest.
			const t = p.text;
			const exactName = { sql: p.exactName, indexed: true };
			const otherName = { sql: `NOT ${p.exactName}`, indexed: true };
			const starts = { sql: p.startsName, indexed: true };
			ids.push(...named(t, t + '/', [exactName]));
			if (ids.length < wanted) ids.push(...named(t, prefixEnd(t), [starts, otherName]));
			if (ids.length < wanted && !p.prefixOnly) {
				ids.push(...scan([{ sql: `NOT ${p.startsName}`, indexed: true }]));
			}
		} else {
			ids.push(...scan([]));
		}
	} catch (e) {
		if (e instanceof Fallback) return exactVia(e.driver);
		throw e;
	}
	return {
		hits: hits(ids.slice(offset, offset + limit)),
		offset,
		total: Math.max(ids.length, CAP + 1),
		totalExact: false
	};
}

/** The largest files of the library (the size index, read from the top). */
export function largestFiles(lib: OpenLibrary, n: number): SearchHit[] {
	const ids = lib.sql.json<number>(
		`SELECT json_group_array(id) FROM (SELECT id FROM entry INDEXED BY entry_size
			WHERE is_dir = 0 ORDER BY size DESC LIMIT ${Math.max(1, Math.min(n, 100))})`
	);
	return hitsOf(lib, ids);
}
