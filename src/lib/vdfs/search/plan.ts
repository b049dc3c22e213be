import type { ContentKind, SearchQuery } from '../api';
import { VdfsError } from '../errors';
import type { Sql } from '../db/sql';
import type { OpenLibrary } from '../library/library';
import { extensionsByKind } from '../identity/kind';
import { tagsWithDescendants } from '../tags/tags';
import { firstValue } from './statements';

/**
 * A search as conditions on an entry `e` (and its folder `p`), and the "drivers" that can list
 * candidates for it: query.ts picks between them and a newest-first scan.
 *
 * Costs are in units of one candidate's row read and tested (~2 µs in Node on the bench's
 * library of 1,000,000 entries, a random read in its 150 MB table); an index step with its
 * conditions tested costs ~0.07 of that (measured on the bench's queries).
 */
export const ROW = 1;
/** A word's trigram match (~1–2 µs: "beach", 584 in 1 ms), then the row. */
export const TRIGRAM = 1.7;
/** Going from a content or a tag to its entries, then the row. */
export const VIA_CONTENT = 2;
/** A candidate whose conditions its index entry answers. */
export const IN_INDEX = 0.07;

/**
 * Bound parameters, named, so a fragment can use its values anywhere and each statement binds
 * just the ones its text holds (SQLite refuses a value for a parameter a statement lacks).
 */
export class Params {
	#values: (string | number | null)[] = [];
	add(value: string | number | null): string {
		this.#values.push(value);
		return `$p${this.#values.length}`;
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
		let bound: Record<string, string | number | null> | undefined;
		for (const [name, n] of text.matchAll(/\$p(\d+)/g)) (bound ??= {})[name] = this.#values[Number(n) - 1];
		return bound;
	}
}

export interface Condition {
	sql: string;
	/** Another row it reads: the folder (`p`). */
	join?: 'p';
	/**
	 * Answered by what the search indexes hold (name, natural name key, date, concealed, kind,
	 * location, the id), so an index scan tests it before reading the row. Such conditions come
	 * first in a WHERE: SQLite reads the row only when a later one needs a column the index lacks.
	 */
	indexed?: boolean;
	/**
	 * How dear it is to test, for the order of a WHERE (SQLite tests in the order written):
	 * 0 (default) columns compared with values, 1 names compared (NOCASE), 2 LIKE patterns,
	 * 3 lookups in other tables. Against the ~0.1 µs of an index step, LIKE '%rea%' costs ~0.09
	 * and a NOCASE range ~0.06 (bench search).
	 */
	weight?: number;
}

export interface Driver {
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
	/** Its `from` is an index holding every `indexed` column. */
	inIndex?: boolean;
	/** A small driver's ids also make its condition cheap: `e.id IN (ids)`, read once. */
	asSet?: string;
	/** A condition `from` needs beside the others (a stretch of an index it reads). */
	range?: Condition;
	/** The candidates as a FROM of `e` (an index to read), instead of ids joined to their rows. */
	from?: string;
}

export interface Plan {
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
	/** Names of the word conditions a name range [text, …) already guarantees (one word, no path). */
	wordsInRange: string[];
	/**
	 * How many entries (of those the search may show) have a name in [lo, hi), counted up to
	 * `cap` (then cap + 1). Kept for the search: drivers and rank steps ask for the same stretches.
	 */
	countRange(lo: string, hi: string, cap: number): number;
	/** Matches known to exist, from counts made so far (a lower bound for a total "at least"). */
	atLeast(): number;
	/** One word and nothing else asked: the names starting with it (countRange) are its matches of rank 0 and 1. */
	unfiltered: boolean;
}

/** The newest-first index, in ranking order: date, natural name key, name, id; then what filters test. */
export const RECENT_INDEX = 'entry_recent';
/** Newest first, then by natural name, name and id: the ranking within a rank, and the order of entry_recent and entry_initial. */
export const NEWEST_FIRST = 'e.mtime DESC, e.name_key, e.name, e.id';
/** Names (NOCASE) with what ranking and the filters need: a prefix's candidates ranked without their rows. */
export const NAME_INDEX = 'entry_name_cover';
/** The newest-first index within each first character of a name (migration 14): a prefix's scan. */
export const INITIAL_INDEX = 'entry_initial';
/** A name's first character, ASCII letters folded: the expression entry_initial leads with, written the same. */
export const INITIAL = 'lower(substr(e.name, 1, 1))';

/** Names in [lo, hi) along the name index. */
export function nameRange(params: Params, lo: string, hi: string): Condition {
	return {
		sql: `e.name >= ${params.add(lo)} COLLATE NOCASE AND e.name < ${params.add(hi)} COLLATE NOCASE`,
		indexed: true,
		weight: 1
	};
}

const like = (s: string): string => s.replace(/[\\%_]/g, (ch) => '\\' + ch);
/** ASCII letters folded, as NOCASE and LIKE fold them. */
const fold = (s: string): string => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

/**
 * The smallest string above every string that starts with `prefix` (folded) in NOCASE order.
 * '@' + 1 is 'A', which NOCASE reads as 'a': '[' is the next character a folded name can hold.
 */
export function prefixEnd(prefix: string): string {
	const last = prefix.charCodeAt(prefix.length - 1);
	const next = last === 0x40 ? 0x5b : last + 1;
	return prefix.slice(0, -1) + String.fromCharCode(next);
}

/** A NOCASE range is a prefix test only when the last character is one UTF-16 unit below U+FFFF. */
export const rangeable = (prefix: string): boolean => {
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
	if (q.kinds !== undefined && !Array.isArray(q.kinds)) bad('the kinds are not a list');
	for (const k of q.kinds ?? []) if (!KINDS.includes(k)) bad(`“${String(k)}” is not a kind`);
	for (const list of [q.extensions, q.locations, q.devices, q.tags?.any, q.tags?.all, q.tags?.none]) {
		if (list !== undefined && (!Array.isArray(list) || list.some((v) => typeof v !== 'string')))
			bad('a list holds something else');
	}
}

/** Kinds, checked against KINDS, as SQL string literals. */
const kindList = (kinds: readonly string[]): string => kinds.map((k) => `'${k}'`).join(', ');

/**
 * The extension of `e.name` as extensionOf() cuts it, ASCII letters folded: what follows its last
 * dot when that dot is not its first character. rtrim() with every character but the dot leaves
 * the name up to its last dot. Computed from the name, which the indexes hold.
 */
const NAME_EXTENSION = `iif(length(rtrim(e.name, replace(e.name, '.', ''))) > 1,
	lower(substr(e.name, length(rtrim(e.name, replace(e.name, '.', ''))) + 1)), '')`;

/**
 * A file without a content row counts as the kind its extension suggests (kindFromExtension):
 * its extension, cut from the name in the index, is tested against the extensions of those
 * kinds, so no row is read and no row calls back into JS (a row ~2.5 µs, a call ~4 µs: 2,579 such
 * files among the 46,841 names starting with "l", bench search). A name of other than printable
 * ASCII (which toLowerCase() and SQL fold apart) or with a backslash (which the lists do not
 * cover) has its row's own extension asked in JS.
 */
function byExtension(P: Params, kinds: readonly ContentKind[]): string {
	const lists = extensionsByKind();
	const wanted = kinds.flatMap((k) => lists.get(k) ?? []);
	const tests = [`${NAME_EXTENSION} IN ${P.list(wanted)}`];
	if (kinds.includes('unknown')) tests.push(`${NAME_EXTENSION} NOT IN ${P.list([...lists.values()].flat())}`);
	return `CASE WHEN e.name GLOB '*[^ -~]*' OR instr(e.name, '\\') THEN orrery_ext_kind(e.extension) IN (${kindList(kinds)})
		ELSE ${tests.join(' OR ')} END`;
}

/**
 * An extension tested on the name, which the indexes hold: a file's extension is what follows
 * its last dot, lowercased, when that dot is not its first character (extensionOf), so for an
 * extension of printable ASCII without a dot "name LIKE '_%.ext'" says the same. Not for a 'k':
 * toLowerCase() turns the Kelvin sign into one, LIKE does not fold it.
 */
const onName = (ext: string): boolean => /^[\x20-\x7e]+$/.test(ext) && !/[.k]/.test(ext);

export function plan(lib: OpenLibrary, q: SearchQuery): Plan {
	checkQuery(q);
	const sql = lib.sql;
	const P = new Params();
	const where = new Map<string, Condition>();
	const drivers: Driver[] = [];
	const capped = (driver: string) => (cap: number) => P.count(sql, `SELECT count(*) FROM (${driver} LIMIT ${cap + 1})`);
	/**
	 * Sizes a driver that reads rows or another table by listing its ids: when they are all
	 * listed, the driver reads the list instead of finding them again (the trigram index ~1–2 µs
	 * a match, a tag's contents to their entries as much).
	 */
	const listed = (fields: Omit<Driver, 'size'>): Driver => {
		const found = fields.sql;
		const driver: Driver = {
			...fields,
			size: (cap) => {
				const ids = P.rows<number>(
					sql,
					`SELECT json_group_array(DISTINCT id) FROM (SELECT id FROM (${found}) LIMIT ${cap + 1})`
				);
				if (ids.length > cap) return ids.length;
				driver.sql = `SELECT value AS id FROM json_each(${P.add(JSON.stringify(ids))})`;
				driver.unique = true;
				return ids.length;
			}
		};
		return driver;
	};
	const text = (q.text ?? '').trim();
	const { name: nameWords, path: pathWords } = words(text);
	const long = nameWords.filter((w) => [...w].length >= 3);

	// Never a location's root (2); dot-files and what is marked hidden (1) only when asked for.
	const shown = q.hidden ? 'e.concealed < 2' : 'e.concealed = 0';
	where.set('entry', { sql: shown, indexed: true });
	const counted = new Map<string, number[]>();
	const countRange = (lo: string, hi: string, cap: number): number => {
		const key = `${lo}\u0000${hi}`;
		// [n, cap]: exactly n when n <= cap, else at least.
		const known = counted.get(key);
		if (known && (known[0] <= known[1] || cap <= known[1]))
			return known[0] <= known[1] ? known[0] : Math.min(known[0], cap + 1);
		const n = P.count(
			sql,
			`SELECT count(*) FROM (SELECT 1 FROM entry e INDEXED BY ${NAME_INDEX}
				WHERE ${nameRange(P, lo, hi).sql} AND ${shown} LIMIT ${cap + 1})`
		);
		counted.set(key, [n, cap]);
		// Names starting with the one word are matches when nothing else is asked: at least so many.
		if (lo === first && hi === prefixEnd(first) && unfiltered) atLeast = Math.max(atLeast, n);
		return n;
	};
	let atLeast = 0;
	let unfiltered = false;
	// Words: anywhere in the name; with none of three letters, the first one starts it.
	const prefixOnly = long.length === 0 && nameWords.length > 0;
	nameWords.forEach((w, i) => {
		const test =
			prefixOnly && i === 0 ? startsWith(P, fold(w)) : `e.name LIKE ${P.add('%' + like(w) + '%')} ESCAPE '\\'`;
		where.set(`word${i}`, { sql: test, indexed: true, weight: prefixOnly && i === 0 ? 1 : 2 });
	});
	pathWords.forEach((w, i) => {
		where.set(`path${i}`, {
			sql: `(p.path || '/' || e.name) LIKE ${P.add('%' + like(w) + '%')} ESCAPE '\\'`,
			join: 'p',
			weight: 3
		});
	});
	const single = nameWords.length === 1 && pathWords.length === 0;
	const first = nameWords.length > 0 ? fold(nameWords[0]) : '';
	// Locations asked for, directly or as a device's, as their row ids.
	const locations = q.locations?.length
		? P.rows<number>(sql, `SELECT json_group_array(id) FROM location WHERE uuid IN ${P.list(q.locations)}`)
		: null;
	const devices = q.devices?.length
		? P.rows<number>(
				sql,
				`SELECT json_group_array(l.id) FROM location l JOIN device d ON d.id = l.device_id WHERE d.uuid IN ${P.list(q.devices)}`
			)
		: null;
	if (long.length > 0) {
		// Each word a quoted FTS5 string, matched literally (double quotes doubled), all of them.
		const match = long.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
		const fts = `SELECT rowid AS id FROM entry_fts WHERE entry_fts MATCH ${P.add(match)}`;
		const text = listed({
			name: 'text',
			sql: fts,
			covers: nameWords.flatMap((w, i) => (long.includes(w) ? [`word${i}`] : [])),
			unique: true,
			cost: TRIGRAM
		});
		const matches = text.size;
		// A trigram match costs ~1–2 µs ("beach": 584 in 1 ms), a name in the index ~0.07: one word
		// matches at least the names starting with it, counted first.
		text.size = (cap) => {
			const starting = single && rangeable(first) ? countRange(first, prefixEnd(first), cap) : 0;
			return starting > cap ? starting : matches(cap);
		};
		drivers.push(text);
	} else if (nameWords.length > 0 && rangeable(first)) {
		const range = nameRange(P, first, prefixEnd(first));
		drivers.push({
			name: 'prefix',
			sql: `SELECT id FROM entry e INDEXED BY ${NAME_INDEX} WHERE ${range.sql}`,
			from: `entry e INDEXED BY ${NAME_INDEX}`,
			range,
			covers: ['word0'],
			unique: true,
			size: (cap) => countRange(first, prefixEnd(first), cap),
			cost: ROW,
			inIndex: true
		});
	}

	if (q.kinds?.length) {
		const kinds = [...new Set(q.kinds)];
		// The entry's copy of its content's kind is in the indexes; only files without a content row
		// read theirs, for the extension.
		where.set('kinds', {
			sql: `(e.kind IN (${kindList(kinds)}) OR (e.kind IS NULL AND ${byExtension(P, kinds)}))`,
			indexed: true,
			weight: 1
		});
		if (!kinds.includes('folder')) {
			drivers.push({
				name: 'kinds',
				sql: `SELECT e.id FROM content ct JOIN entry e ON e.cas_id = ct.cas_id WHERE ct.kind IN (${kindList(kinds)})
					UNION ALL SELECT id FROM entry e INDEXED BY entry_unidentified
					WHERE cas_id IS NULL AND is_dir = 0 AND size > 0 AND ${byExtension(P, kinds)}
					UNION ALL SELECT id FROM entry e INDEXED BY entry_size
					WHERE is_dir = 0 AND size = 0 AND cas_id IS NULL AND ${byExtension(P, kinds)}`,
				covers: [],
				unique: true,
				// The statistics count files by kind, and those still without one as 'pending'/'empty'.
				size: () =>
					P.count(
						sql,
						`SELECT coalesce(sum(files), 0) FROM stat_kind WHERE kind IN (${kindList(kinds)}) OR kind IN ('pending', 'empty')`
					),
				cost: VIA_CONTENT
			});
		}
	}
	if (q.extensions?.length) {
		const exts = [...new Set(q.extensions.map((x) => x.replace(/^\./, '').toLowerCase()))];
		// A folder's extension is '' and its kind 'folder' (migration 11).
		where.set(
			'extensions',
			exts.every(onName)
				? {
						sql: `(e.kind IS NOT 'folder' AND (${exts.map((x) => `e.name LIKE ${P.add('_%.' + like(x))} ESCAPE '\\'`).join(' OR ')}))`,
						indexed: true,
						weight: 2
					}
				: { sql: `e.extension IN ${P.list(exts)}`, weight: 1 }
		);
	}
	if (q.minSize !== undefined || q.maxSize !== undefined) {
		const min = P.add(q.minSize ?? 0);
		const max = P.add(q.maxSize ?? Number.MAX_SAFE_INTEGER);
		where.set('size', { sql: `e.is_dir = 0 AND e.size >= ${min} AND e.size <= ${max}` });
		const sized = `SELECT id FROM entry WHERE is_dir = 0 AND size >= ${min} AND size <= ${max}`;
		drivers.push(listed({ name: 'size', sql: sized, covers: ['size'], unique: true, cost: ROW }));
	}
	if (q.modifiedFrom !== undefined || q.modifiedTo !== undefined) {
		const from = P.add(q.modifiedFrom ?? -Number.MAX_SAFE_INTEGER);
		const to = P.add(q.modifiedTo ?? Number.MAX_SAFE_INTEGER);
		const range = { sql: `e.mtime >= ${from} AND e.mtime < ${to}`, indexed: true };
		where.set('modified', range);
		const modified = `SELECT id FROM entry e INDEXED BY ${RECENT_INDEX} WHERE ${range.sql}`;
		drivers.push({
			name: 'modified',
			sql: modified,
			from: `entry e INDEXED BY ${RECENT_INDEX}`,
			range,
			covers: ['modified'],
			unique: true,
			size: capped(modified),
			cost: ROW,
			inIndex: true
		});
	}
	if (q.takenFrom !== undefined || q.takenTo !== undefined) {
		const from = P.add(q.takenFrom ?? -Number.MAX_SAFE_INTEGER);
		const to = P.add(q.takenTo ?? Number.MAX_SAFE_INTEGER);
		where.set('taken', { sql: `e.taken_at >= ${from} AND e.taken_at < ${to}` });
		// The entries' copy of the date, in an index that also holds what the other filters test,
		// by location first: one stretch of dates for each location asked for (or every location).
		const within = locations ?? devices ?? P.rows<number>(sql, 'SELECT json_group_array(id) FROM location');
		const range = {
			sql: `e.location_id IN (${within.join(', ')}) AND e.taken_at >= ${from} AND e.taken_at < ${to}`,
			indexed: true
		};
		const taken = `SELECT id FROM entry e INDEXED BY entry_taken WHERE ${range.sql}`;
		drivers.push({
			name: 'taken',
			sql: taken,
			from: 'entry e INDEXED BY entry_taken',
			range,
			covers: ['taken'],
			unique: true,
			size: capped(taken),
			cost: ROW,
			inIndex: true
		});
	}
	const tagged = (key: string, tags: readonly string[], driven: boolean) => {
		const list = P.list(tagsWithDescendants(lib, tags));
		const test = `EXISTS (SELECT 1 FROM tag_link t WHERE t.linked = 1 AND t.target IN (e.cas_id, e.uuid) AND t.tag IN ${list})`;
		where.set(key, { sql: key === 'tags-none' ? `NOT ${test}` : test, weight: 3 });
		if (!driven) return;
		const ids = `SELECT e.id FROM tag_link t JOIN entry e ON e.cas_id = t.target WHERE t.linked = 1 AND t.tag IN ${list}
			UNION ALL SELECT e.id FROM tag_link t JOIN entry e ON e.uuid = t.target WHERE t.linked = 1 AND t.tag IN ${list}`;
		drivers.push(listed({ name: 'tags', sql: ids, covers: [key], unique: false, cost: VIA_CONTENT, asSet: key }));
	};
	if (q.tags?.any?.length) tagged('tags-any', q.tags.any, true);
	(q.tags?.all ?? []).forEach((tag, i) => tagged(`tags-all${i}`, [tag], true));
	if (q.tags?.none?.length) tagged('tags-none', q.tags.none, false);
	const inLocations = (key: string, ids: readonly number[]): void => {
		// Row ids written out: `location_id IN (2)` is a comparison, a list read through json_each a
		// lookup (~0.2 µs a candidate). They are few, and repeat as a person types.
		const locations = `(${ids.join(', ')})`;
		where.set(key, { sql: `e.location_id IN ${locations}`, indexed: true });
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
	if (locations) inLocations('locations', locations);
	if (devices) inLocations('devices', devices);
	if (q.favorites) {
		where.set('favorites', {
			sql: `EXISTS (SELECT 1 FROM user_meta um WHERE um.favorite = 1 AND um.target IN (e.cas_id, e.uuid))`,
			weight: 3
		});
		const ids = `SELECT e.id FROM user_meta um JOIN entry e ON e.cas_id = um.target WHERE um.favorite = 1
			UNION ALL SELECT e.id FROM user_meta um JOIN entry e ON e.uuid = um.target WHERE um.favorite = 1`;
		drivers.push(
			listed({
				name: 'favorites',
				sql: ids,
				covers: ['favorites'],
				unique: false,
				cost: VIA_CONTENT,
				asSet: 'favorites'
			})
		);
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
			size: capped(shared),
			cost: ROW,
			inIndex: true
		});
	}
	if (q.unidentified) {
		where.set('unidentified', { sql: 'e.cas_id IS NULL AND e.is_dir = 0 AND e.size > 0' });
		const ids = 'SELECT id FROM entry INDEXED BY entry_unidentified WHERE cas_id IS NULL AND is_dir = 0 AND size > 0';
		drivers.push(listed({ name: 'unidentified', sql: ids, covers: ['unidentified'], unique: true, cost: ROW }));
	}

	// A driver reading an index whose entries answer every other condition never reads a row but
	// the page's: its candidates cost an index step each.
	for (const d of drivers) {
		if (d.inIndex && [...where].every(([k, c]) => d.covers.includes(k) || c.indexed)) d.cost = IN_INDEX;
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
	unfiltered = single && [...where.keys()].every((k) => k === 'entry' || k === 'word0');
	return {
		params: P,
		where,
		drivers,
		text: folded,
		rank,
		exactName,
		startsName,
		prefixOnly: prefixOnly && single,
		// A name in [t, t+1) holds the one word t (NOCASE folds as LIKE does).
		wordsInRange: single && rangeable(folded) ? ['word0'] : [],
		countRange,
		atLeast: () => atLeast,
		unfiltered
	};
}
