import type { SearchHit, SearchPageOptions, SearchQuery, SearchResult, SearchSort } from '../api';
import { VdfsError } from '../errors';
import type { Sql } from '../db/sql';
import type { OpenLibrary } from '../library/library';
import { tagsWithDescendants } from '../tags/tags';

/**
 * The search query builder. A search is a set of predicates over an entry `e`, its folder `p`,
 * its location `l` and its content `c`, and a plan for finding candidates without reading a
 * library of a million entries:
 *
 * - Each predicate that an index can list ("drivers": the trigram index for words of three or
 *   more letters, the name index for a prefix, tags, favorites, kinds, sizes, dates, shared
 *   contents, files without a content id) is counted up to CAP. The smallest that stays under
 *   CAP gives the candidates; every predicate is checked on each, and they are ranked exactly.
 * - When every driver is larger than CAP (a common letter, no narrow filter), entries are read
 *   newest first through the mtime index, stopping once the page is full: the first matches met
 *   are the most recent. With text, exact names come first, then names starting with the text,
 *   then the rest, each newest first; the total is then "at least".
 */

/** Candidates ranked exactly at most; above it, the newest-first scan (see above). */
export const CAP = 8000;
export const SEARCH_LIMIT_MAX = 1000;

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
		return sql.value<number>(text, this.#bind(text)) ?? 0;
	}
	rows<T>(sql: Sql, text: string): T[] {
		return sql.json<T>(text, this.#bind(text));
	}
	#bind(text: string): Record<string, string | number | null> | undefined {
		const bound = this.for(text);
		return Object.keys(bound).length > 0 ? bound : undefined;
	}
}

interface Driver {
	/** Entry ids (column `id`), possibly with repeats. */
	sql: string;
	/** Predicates this driver already guarantees (left out of the check). */
	covers: string[];
}

interface Plan {
	params: Params;
	/** Predicates by name, each one SQL condition. */
	where: Map<string, string>;
	drivers: Driver[];
	/** The whole text, folded and trimmed ('' without text). */
	text: string;
	/** Rank class expression (0 exact, 1 prefix, 2 other). */
	rank: string;
}

const like = (s: string): string => s.replace(/[\\%_]/g, (ch) => '\\' + ch);
/** ASCII letters folded, as NOCASE and LIKE fold them. */
const fold = (s: string): string => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

/** The smallest string above every string that starts with `prefix` (for a NOCASE range). */
function prefixEnd(prefix: string): string {
	const last = prefix.charCodeAt(prefix.length - 1);
	return prefix.slice(0, -1) + String.fromCharCode(last + 1);
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
	const P = new Params();
	const where = new Map<string, string>();
	const drivers: Driver[] = [];
	const text = (q.text ?? '').trim();
	const { name: nameWords, path: pathWords } = words(text);
	const long = nameWords.filter((w) => [...w].length >= 3);

	where.set('entry', 'e.parent_id IS NOT NULL');
	if (!q.hidden) {
		where.set(
			'hidden',
			`e.hidden = 0 AND NOT EXISTS (SELECT 1 FROM user_meta um WHERE um.hidden = 1 AND um.target IN (e.cas_id, e.uuid))`
		);
	}
	// Words: anywhere in the name; with none of three letters, the first one starts it.
	nameWords.forEach((w, i) => {
		const prefixOnly = long.length === 0 && i === 0;
		where.set(`word${i}`, `e.name LIKE ${P.add(prefixOnly ? like(w) + '%' : '%' + like(w) + '%')} ESCAPE '\\'`);
	});
	pathWords.forEach((w, i) => {
		where.set(`path${i}`, `(p.path || '/' || e.name) LIKE ${P.add('%' + like(w) + '%')} ESCAPE '\\'`);
	});
	if (long.length > 0) {
		// Each word a quoted FTS5 string, matched literally (double quotes doubled), all of them.
		const match = long.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
		drivers.push({
			sql: `SELECT rowid AS id FROM entry_fts WHERE entry_fts MATCH ${P.add(match)}`,
			covers: nameWords.flatMap((w, i) => (long.includes(w) ? [`word${i}`] : []))
		});
	} else if (nameWords.length > 0) {
		const lo = fold(nameWords[0]);
		drivers.push({
			sql: `SELECT id FROM entry WHERE parent_id IS NOT NULL
				AND name >= ${P.add(lo)} COLLATE NOCASE AND name < ${P.add(prefixEnd(lo))} COLLATE NOCASE`,
			covers: ['word0']
		});
	}

	if (q.kinds?.length) {
		const kinds = [...new Set(q.kinds)];
		const list = P.list(kinds);
		where.set('kinds', `iif(e.is_dir, 'folder', coalesce(c.kind, orrery_ext_kind(e.extension))) IN ${list}`);
		if (!kinds.includes('folder')) {
			drivers.push({
				sql: `SELECT e.id FROM content ct JOIN entry e ON e.cas_id = ct.cas_id WHERE ct.kind IN ${list}
					UNION ALL SELECT id FROM entry INDEXED BY entry_unidentified
					WHERE cas_id IS NULL AND is_dir = 0 AND size > 0 AND orrery_ext_kind(extension) IN ${list}
					UNION ALL SELECT id FROM entry INDEXED BY entry_size
					WHERE is_dir = 0 AND size = 0 AND orrery_ext_kind(extension) IN ${list}`,
				covers: []
			});
		}
	}
	if (q.extensions?.length) {
		const exts = [...new Set(q.extensions.map((x) => x.replace(/^\./, '').toLowerCase()))];
		where.set('extensions', `e.extension IN ${P.list(exts)}`);
	}
	if (q.minSize !== undefined || q.maxSize !== undefined) {
		const min = P.add(q.minSize ?? 0);
		const max = P.add(q.maxSize ?? Number.MAX_SAFE_INTEGER);
		where.set('size', `e.is_dir = 0 AND e.size >= ${min} AND e.size <= ${max}`);
		drivers.push({
			sql: `SELECT id FROM entry WHERE is_dir = 0 AND size >= ${min} AND size <= ${max}`,
			covers: ['size']
		});
	}
	if (q.modifiedFrom !== undefined || q.modifiedTo !== undefined) {
		const from = P.add(q.modifiedFrom ?? -Number.MAX_SAFE_INTEGER);
		const to = P.add(q.modifiedTo ?? Number.MAX_SAFE_INTEGER);
		where.set('modified', `e.mtime >= ${from} AND e.mtime < ${to}`);
		drivers.push({
			sql: `SELECT id FROM entry WHERE parent_id IS NOT NULL AND mtime >= ${from} AND mtime < ${to}`,
			covers: ['modified']
		});
	}
	if (q.takenFrom !== undefined || q.takenTo !== undefined) {
		const from = P.add(q.takenFrom ?? -Number.MAX_SAFE_INTEGER);
		const to = P.add(q.takenTo ?? Number.MAX_SAFE_INTEGER);
		where.set('taken', `c.taken_at >= ${from} AND c.taken_at < ${to}`);
		drivers.push({
			sql: `SELECT e.id FROM content ct JOIN entry e ON e.cas_id = ct.cas_id
				WHERE ct.taken_at >= ${from} AND ct.taken_at < ${to}`,
			covers: []
		});
	}
	const tagged = (tags: readonly string[]): { test: string; list: string } => {
		const list = P.list(tagsWithDescendants(lib, tags));
		return {
			list,
			test: `EXISTS (SELECT 1 FROM tag_link t WHERE t.linked = 1 AND t.target IN (e.cas_id, e.uuid) AND t.tag IN ${list})`
		};
	};
	const taggedDriver = (list: string): string =>
		`SELECT e.id FROM tag_link t JOIN entry e ON e.cas_id = t.target WHERE t.linked = 1 AND t.tag IN ${list}
		UNION ALL SELECT e.id FROM tag_link t JOIN entry e ON e.uuid = t.target WHERE t.linked = 1 AND t.tag IN ${list}`;
	if (q.tags?.any?.length) {
		const { test, list } = tagged(q.tags.any);
		where.set('tags-any', test);
		drivers.push({ sql: taggedDriver(list), covers: [] });
	}
	(q.tags?.all ?? []).forEach((tag, i) => {
		const { test, list } = tagged([tag]);
		where.set(`tags-all${i}`, test);
		drivers.push({ sql: taggedDriver(list), covers: [] });
	});
	if (q.tags?.none?.length) where.set('tags-none', `NOT ${tagged(q.tags.none).test}`);
	if (q.locations?.length) {
		where.set('locations', `e.location_id IN (SELECT id FROM location WHERE uuid IN ${P.list(q.locations)})`);
	}
	if (q.devices?.length) {
		where.set('devices', `l.device_id IN (SELECT id FROM device WHERE uuid IN ${P.list(q.devices)})`);
	}
	if (q.favorites) {
		where.set(
			'favorites',
			`EXISTS (SELECT 1 FROM user_meta um WHERE um.favorite = 1 AND um.target IN (e.cas_id, e.uuid))`
		);
		drivers.push({
			sql: `SELECT e.id FROM user_meta um JOIN entry e ON e.cas_id = um.target WHERE um.favorite = 1
				UNION ALL SELECT e.id FROM user_meta um JOIN entry e ON e.uuid = um.target WHERE um.favorite = 1`,
			covers: []
		});
	}
	if (q.duplicates) {
		where.set('duplicates', 'c.refs > 1');
		drivers.push({
			sql: 'SELECT e.id FROM content ct JOIN entry e ON e.cas_id = ct.cas_id WHERE ct.refs > 1',
			covers: []
		});
	}
	if (q.unidentified) {
		where.set('unidentified', 'e.cas_id IS NULL AND e.is_dir = 0 AND e.size > 0');
		drivers.push({
			sql: 'SELECT id FROM entry INDEXED BY entry_unidentified WHERE cas_id IS NULL AND is_dir = 0 AND size > 0',
			covers: ['unidentified']
		});
	}

	const folded = fold(text);
	const rank = folded
		? `CASE WHEN e.name = ${P.add(folded)} COLLATE NOCASE
				OR (e.extension <> '' AND e.name = ${P.add(folded)} || '.' || e.extension COLLATE NOCASE) THEN 0
			WHEN e.name LIKE ${P.add(like(folded) + '%')} ESCAPE '\\' THEN 1 ELSE 2 END`
		: '2';
	return { params: P, where, drivers, text: folded, rank };
}

/** A hit as JSON; `device` is the parameter holding this device's row id. */
const hitJson = (device: string): string => `json_object('id', e.uuid, 'name', e.name, 'extension', e.extension,
	'isDir', json(iif(e.is_dir, 'true', 'false')), 'size', e.size, 'mtime', e.mtime,
	'hidden', json(iif(e.hidden, 'true', 'false')), 'casId', e.cas_id,
	'kind', iif(e.is_dir, 'folder', coalesce(c.kind, orrery_ext_kind(e.extension))),
	'width', c.width, 'height', c.height, 'duration', c.duration, 'takenAt', c.taken_at,
	'thumb', json(iif(c.thumb = 1, 'true', 'false')), 'locationId', l.uuid, 'locationName', l.name,
	'dirPath', p.path, 'deviceName', d.name, 'here', json(iif(l.device_id = ${device}, 'true', 'false')))`;

const JOINS = `JOIN entry p ON p.id = e.parent_id JOIN location l ON l.id = e.location_id
	JOIN device d ON d.id = l.device_id LEFT JOIN content c ON c.cas_id = e.cas_id`;

function orderBy(sort: SearchSort, descending: boolean, rank: string): string {
	const dir = descending ? 'DESC' : 'ASC';
	switch (sort) {
		case 'relevance':
			return `${rank}, e.mtime DESC NULLS LAST, e.name_key, e.name`;
		case 'name':
			return `e.name_key ${dir}, e.name ${dir}`;
		case 'size':
			return `e.size ${dir}, e.name_key, e.name`;
		case 'mtime':
			return `e.mtime ${dir} NULLS LAST, e.name_key, e.name`;
	}
}

/** Entry ids of a driver, each once. */
const distinct = (driver: string): string =>
	`(SELECT DISTINCT id FROM (${driver})) cand JOIN entry e ON e.id = cand.id`;

/** Runs a search: see the comment at the top for how it finds its candidates. */
export function search(lib: OpenLibrary, q: SearchQuery, options: SearchPageOptions = {}): SearchResult {
	const offset = Math.max(0, Math.floor(options.offset ?? 0));
	const limit = Math.max(1, Math.min(Math.floor(options.limit ?? 200), SEARCH_LIMIT_MAX));
	const sort = options.sort ?? 'relevance';
	const descending = options.descending ?? false;
	const p = plan(lib, q);
	const sql = lib.sql;
	const params = p.params;
	const json = hitJson(params.add(lib.deviceRowId));
	const capped = (driver: string): number => params.count(sql, `SELECT count(*) FROM (${driver} LIMIT ${CAP + 1})`);
	/**
	 * A page of `from` (entries `e`) under the conditions, with the total of all that match
	 * when `counted` (a scan is not: counting would read every row the scan means to skip).
	 */
	const read = (from: string, conditions: string[], order: string, n: number, skip: number, counted = true) => {
		const rows = params.rows<{ j: SearchHit; n: number }>(
			sql,
			`SELECT json_group_array(json_object('j', json(j), 'n', n)) FROM (
				SELECT ${json} AS j, ${counted ? 'count(*) OVER ()' : '0'} AS n FROM ${from} ${JOINS}
				WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT ${n} OFFSET ${skip})`
		);
		return { hits: rows.map((r) => r.j), total: rows[0]?.n };
	};

	// The smallest driver under CAP, counted cheaply (each count stops at CAP + 1).
	let best: { driver: Driver; count: number } | null = null;
	for (const driver of p.drivers) {
		const count = capped(driver.sql);
		if (count <= CAP && (!best || count < best.count)) best = { driver, count };
		if (best && best.count < 64) break;
	}

	if (best || (sort !== 'relevance' && sort !== 'mtime')) {
		// Exact: every candidate checked and ranked.
		const covered = new Set(best?.driver.covers ?? []);
		const conditions = [...p.where].filter(([k]) => !covered.has(k)).map(([, v]) => v);
		const from = best ? distinct(best.driver.sql) : 'entry e';
		const page = read(from, conditions, orderBy(sort, descending, p.rank), limit, offset);
		const total =
			page.total ??
			(offset > 0 ? params.count(sql, `SELECT count(*) FROM ${from} ${JOINS} WHERE ${conditions.join(' AND ')}`) : 0);
		return { hits: page.hits, offset, total, totalExact: true };
	}

	// Everything is common: newest first through the mtime index, stopping when the page is full.
	const conditions = [...p.where.values()];
	const wanted = offset + limit;
	const hits: SearchHit[] = [];
	const scan = (extra: string[], order: string) =>
		read('entry e INDEXED BY entry_mtime', [...conditions, ...extra], order, wanted - hits.length, 0, false).hits;
	if (p.text && sort === 'relevance') {
		// Exact names and names starting with the text, through the name index, then the rest.
		const t = p.text;
		const exact = `SELECT id FROM entry WHERE parent_id IS NOT NULL AND (name = ${params.add(t)} COLLATE NOCASE
			OR (name >= ${params.add(t + '.')} COLLATE NOCASE AND name < ${params.add(t + '/')} COLLATE NOCASE))`;
		hits.push(...read(distinct(exact), [...conditions, `(${p.rank}) = 0`], 'e.mtime DESC NULLS LAST', wanted, 0).hits);
		if (hits.length < wanted) {
			const prefix = `SELECT id FROM entry WHERE parent_id IS NOT NULL
				AND name >= ${params.add(t)} COLLATE NOCASE AND name < ${params.add(prefixEnd(t))} COLLATE NOCASE`;
			const test = [`(${p.rank}) = 1`];
			const found =
				capped(prefix) <= CAP
					? read(distinct(prefix), [...conditions, ...test], 'e.mtime DESC NULLS LAST', wanted - hits.length, 0).hits
					: scan(test, 'e.mtime DESC');
			hits.push(...found);
		}
		if (hits.length < wanted) hits.push(...scan([`(${p.rank}) = 2`], 'e.mtime DESC'));
	} else {
		hits.push(...scan([], sort === 'mtime' && !descending ? 'e.mtime ASC' : 'e.mtime DESC'));
	}
	return {
		hits: hits.slice(offset, offset + limit),
		offset,
		total: Math.max(hits.length, CAP + 1),
		totalExact: false
	};
}

/** The largest files of the library (the size index, read from the top). */
export function largestFiles(lib: OpenLibrary, n: number): SearchHit[] {
	const params = new Params();
	return params.rows<SearchHit>(
		lib.sql,
		`SELECT json_group_array(json(j)) FROM (
			SELECT ${hitJson(params.add(lib.deviceRowId))} AS j FROM entry e INDEXED BY entry_size ${JOINS}
			WHERE e.is_dir = 0 ORDER BY e.size DESC LIMIT ${Math.max(1, Math.min(n, 100))})`
	);
}
