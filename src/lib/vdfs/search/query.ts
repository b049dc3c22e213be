import type { SearchPageOptions, SearchQuery, SearchResult, SearchSort } from '../api';
import type { OpenLibrary } from '../library/library';
import { hitsOf } from './hits';
import { QUICK_FROM, quickPage } from './quick';
import {
	INITIAL,
	INITIAL_INDEX,
	IN_INDEX,
	NAME_INDEX,
	NEWEST_FIRST,
	RECENT_INDEX,
	ROW,
	nameRange,
	plan,
	prefixEnd,
	rangeable,
	type Condition,
	type Driver,
	type Plan
} from './plan';

/**
 * Runs a search (plan.ts says what it tests) on a library of a million entries without reading
 * it. Results are ranked: exact names ("t", "t.ext"), then names starting with the text, then
 * the rest; newest first within each, then by natural name, name and id.
 *
 * - Each driver (the trigram index for words of three or more letters, a prefix's stretch of the
 *   name index, tags, favorites, kinds, sizes, dates, shared contents, locations, files without a
 *   content id) is sized, counted only as far as it could still be cheap, or read from
 *   stat_kind. When one is cheap, its candidates are checked and sorted in SQL, the page and an
 *   exact total read at once.
 * - Otherwise entries are read newest first through entry_recent, whose order is the ranking's
 *   own (migration 12): the first matches met are the page, in order, and the scan stops there.
 *   Conditions the index answers are tested in it; rows are read only for what passes them. With
 *   text, exact names and prefixes come from their stretches of the name index first (sorted
 *   when few, else scanned for), then the scan for the rest. The total is then "at least".
 * - A scan that would meet a page's worth of matches only deep in the library is predicted from
 *   what it met so far, and a driver that costs less than the rest of it is read whole instead:
 *   "i" with a kind, a location and a year taken reads that year's 31,647 photos in their index
 *   instead of the photo drive.
 */

/** Drivers are sized up to this cost (units of ROW, ~20 ms): beyond it, one is read only instead of a longer scan. */
export const CAP = 10_000;
export const SEARCH_LIMIT_MAX = 1000;

/** A candidate that passes, sorted into a page (units of ROW): ~0.5 µs a row with its rank here. */
const SORT = 0.25;
/**
 * How much sooner a newest-first scan meets its matches than if they were spread evenly over
 * the dates: files come in bursts (a trip's photos, a project's files), and people look for what
 * is recent. 3 puts "2" (6,497 names, the newest among the first 4,096 entries) on the scan, and
 * "n" (3,269, fewer recent ones: a scan met 200 only past ~60,000 entries) on its names (bench search).
 */
const RECENCY = 3;
/** A match counted in a window over a sort's pass (units of ROW): ~1–2.4 µs. */
const WINDOW = 0.75;
/** A candidate's row read again right after a first pass read it (units of ROW): ~0.5 µs. */
const REREAD = 0.25;
/** Candidates this cheap are read whole whatever a scan might cost: the total is then exact. */
const CHEAP = 200;
/** An entry of a newest-first scan with its indexed conditions tested (~0.12 µs). */
const SCAN_ROW = 0.06;
/** Rows of a scan's first window (then 4x each); a window ends where its last date does. */
const FIRST_WINDOW = 4096;
/** Drivers sized in this order: usually small ones, those read from statistics and ranges of an
 * index first, so the counts of the rest (a word's trigram matches ~1–2 µs each) stop early. */
const SIZING_ORDER = [
	'tags',
	'favorites',
	'unidentified',
	'kinds',
	'locations',
	'taken',
	'duplicates',
	'text',
	'prefix',
	'size',
	'modified'
];

/**
 * Whether to count a sort's matches in a window over its pass rather than in a second pass.
 * The window costs ~1–2.4 µs a match (every match kept, then sorted); a second pass ~0.07 of a
 * row a candidate along an index, ~0.25 where it reads rows the first pass just read into the
 * cache (584 matches of "beac": 1.3 ms sorted, then 0.45 counted, against 2.0 windowed; 2,675
 * of 46,648 large duplicates: 3 ms windowed against 10.6 counted, bench search). Past a few
 * thousand rows they no longer all stay in the cache (32 MiB) for the second pass.
 */
function windowCheaper(readsRows: boolean, share: number, candidates: number): boolean {
	return readsRows ? candidates > 2000 || share * WINDOW < REREAD : share * WINDOW < IN_INDEX;
}

interface Sized {
	driver: Driver;
	n: number;
	/** Counting stopped: at least n. */
	more: boolean;
}

/** The order of a sort over `e` (in the indexes' own order where there is one). */
function orderBy(p: Plan, sort: SearchSort, descending: boolean): string {
	const dir = descending ? 'DESC' : 'ASC';
	switch (sort) {
		case 'relevance':
			return `${p.text ? `${p.rank}, ` : ''}${NEWEST_FIRST}`;
		case 'name':
			return `e.name_key ${dir}, e.name ${dir}, e.id ${dir}`;
		case 'size':
			return `e.size ${dir}, e.name_key, e.name, e.id`;
		case 'mtime':
			// Oldest first is newest first backwards (the newest-first index read from its end),
			// but for entries without a date, which come last either way.
			return descending ? NEWEST_FIRST : 'e.mtime IS NULL, e.mtime, e.name_key DESC, e.name DESC, e.id DESC';
	}
}

/** The conditions as one WHERE body: those the indexes answer first, then the rest; cheap ones first. */
function whereOf(conditions: readonly Condition[]): { sql: string; joins: string } {
	const rank = (c: Condition) => (c.indexed ? 0 : 4) + (c.weight ?? 0);
	const ordered = [...conditions].sort((a, b) => rank(a) - rank(b));
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

class Fallback {
	constructor(readonly driver: Driver) {}
}

/** Ids of a page, and how many match: exactly, or at least that many. */
interface Found {
	ids: number[];
	count: number;
	exact: boolean;
}

/** What a scan can give way to: candidates that are sized, then sorted, instead. */
interface Alternative {
	name: string;
	/** Cost of a candidate (units of ROW). */
	per: number;
	size(cap: number): number;
	run(): Found;
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

	/**
	 * The first `n` ids (after `skip`) of `from` passing `conditions` in `order`, and how many
	 * pass: when the page comes back short that is the count, else a second pass counts them, or
	 * with `windowed` a window over the same pass (see windowCheaper()).
	 */
	const sorted = (
		from: string,
		conditions: Condition[],
		order: string,
		n: number,
		skip: number,
		windowed: boolean,
		known?: number
	): Found => {
		const w = whereOf(conditions);
		const counting = () => known ?? params.count(sql, `SELECT count(*) FROM ${from} ${w.joins} WHERE ${w.sql}`);
		if (!windowed || known !== undefined) {
			const ids = params.rows<number>(
				sql,
				`SELECT json_group_array(id) FROM (SELECT e.id FROM ${from} ${w.joins} WHERE ${w.sql}
					ORDER BY ${order} LIMIT ${n} OFFSET ${skip})`
			);
			const short = ids.length < n && (ids.length > 0 || skip === 0);
			return { ids, count: short ? skip + ids.length : counting(), exact: true };
		}
		const [count, ids] = params.rows<number | number[] | null>(
			sql,
			`SELECT json_array(max(n), json_group_array(id)) FROM (SELECT e.id, count(*) OVER () AS n
				FROM ${from} ${w.joins} WHERE ${w.sql} ORDER BY ${order} LIMIT ${n} OFFSET ${skip})`
		) as [number | null, number[]];
		// None on the page: none at all, or past the end.
		return { ids, count: count ?? (skip === 0 ? 0 : counting()), exact: true };
	};
	/** Candidates of a driver as a FROM of `e`. CROSS JOIN keeps them the outer loop. */
	const candidates = (driver: Driver) =>
		driver.from ??
		(driver.unique
			? `(${driver.sql}) cand CROSS JOIN entry e ON e.id = cand.id`
			: `(SELECT DISTINCT id FROM (${driver.sql})) cand CROSS JOIN entry e ON e.id = cand.id`);
	const exactVia = (driver: Driver | null): SearchResult => {
		const covered = new Set(driver?.covers ?? []);
		const conditions = [...p.where].filter(([k]) => !covered.has(k)).map(([, v]) => v);
		if (driver?.range) conditions.push(driver.range);
		notes.push(`exact via ${driver?.name ?? 'all entries'}`);
		const order = orderBy(p, sort, descending);
		if (driver) {
			const n = sized.find((s) => s.driver === driver)?.n;
			const windowed = windowCheaper(driver.cost > IN_INDEX, othersShare(driver), n ?? Infinity);
			// A lone word's names were counted sizing them: they are the matches.
			const known = driver.name === 'prefix' && p.unfiltered ? n : undefined;
			const page = sorted(candidates(driver), conditions, order, limit, offset, windowed, known);
			return { hits: hitsOf(lib, page.ids), offset, total: page.count, totalExact: true };
		}
		// Every entry: a window over a million would hold them all, so counted in a pass of its own.
		const w = whereOf(conditions);
		const ids = params.rows<number>(
			sql,
			`SELECT json_group_array(id) FROM (SELECT e.id FROM entry e ${w.joins} WHERE ${w.sql}
				ORDER BY ${order} LIMIT ${limit} OFFSET ${offset})`
		);
		const total = params.count(sql, `SELECT count(*) FROM entry e ${w.joins} WHERE ${w.sql}`);
		return { hits: hitsOf(lib, ids), offset, total, totalExact: true };
	};

	const total = params.count(sql, 'SELECT coalesce(sum(files), 0) FROM stat_kind');
	if (sort === 'relevance' && p.text !== '' && total >= QUICK_FROM) {
		const ids = quickPage(lib, p, wanted, notes);
		if (ids)
			return { hits: hitsOf(lib, ids.slice(offset, offset + limit)), offset, total: ids.length, totalExact: false };
	}
	// Size the drivers, small ones and those read from statistics first, each counted only as far
	// as it could still be cheap and beat the best so far.
	const sized: Sized[] = [];
	/**
	 * The share of a driver's candidates the other drivers' conditions let through (as if
	 * independent).
	 */
	const othersShare = (d: Driver | null) =>
		sized.reduce((passing, s) => (s.driver === d ? passing : passing * Math.min(1, s.n / Math.max(1, total))), 1);
	/** A candidate's cost: read and checked, and sorted if it passes. */
	const perCandidate = (d: Driver) => d.cost + SORT * othersShare(d);
	const costOf = (s: Sized) => s.n * perCandidate(s.driver);
	/**
	 * Candidates past which reading a driver whole costs more than a scan would: n candidates cost
	 * n × per, a scan meets a page of `wanted` among them after ~wanted × total / (n × others) rows,
	 * or RECENCY times sooner (names come in bursts of dates).
	 */
	const crossover = (per: number, others: number) =>
		Math.floor(
			Math.max(CHEAP / per, Math.sqrt((wanted * total * SCAN_ROW) / (RECENCY * per * Math.max(others, 1e-9))))
		);
	const scannable = sort === 'relevance' || sort === 'mtime';
	let best: Sized | null = null;
	const known = (s: Sized | null): s is Sized => s !== null && !s.more;
	const first = (d: Driver) => SIZING_ORDER.indexOf(d.name);
	// A scan reads only the dates asked for, in order: reading them all would never cost less.
	const drivers = p.drivers.filter((d) => !(scannable && d.name === 'modified'));
	for (const driver of drivers.sort((a, b) => first(a) - first(b))) {
		const per = perCandidate(driver);
		const cap = Math.min(
			Math.floor((known(best) ? Math.min(CAP, costOf(best)) : CAP) / per),
			scannable ? crossover(per, othersShare(driver)) : Infinity
		);
		const n = driver.size(cap);
		const s = { driver, n, more: n > cap };
		sized.push(s);
		if (!s.more && (!known(best) || costOf(s) < costOf(best))) best = s;
	}
	notes.push(...sized.map((s) => `${s.driver.name} ${s.more ? '>' : ''}${s.more ? s.n - 1 : s.n}`));
	// Small drivers' ids make their own conditions cheap to test on any path.
	for (const s of sized) {
		if (s.driver.asSet && !s.more) {
			p.where.set(s.driver.asSet, { sql: `e.id IN (SELECT id FROM (${s.driver.sql}))`, indexed: true, weight: 1 });
		}
	}
	if (known(best) || sort === 'name' || sort === 'size') return exactVia(known(best) ? best.driver : null);

	/**
	 * What to read instead of the rest of a scan costing `scanCost`: the segment's own
	 * alternative, or a driver for the whole search, whichever costs less than the scan and the
	 * other. Each is counted only up to where it would stop being cheaper. Drivers are tried once.
	 */
	let tried = false;
	const cheaperThan = (scanCost: number, local: Alternative | null): (() => Found) | null => {
		let bound = scanCost;
		let pick: (() => Found) | null = null;
		let note = 'nothing cheaper';
		if (local) {
			const cap = Math.floor(bound / local.per);
			const n = local.size(cap);
			if (n <= cap) {
				bound = n * local.per;
				pick = local.run;
				note = `${local.name} ${n} cheaper`;
			}
		}
		if (!tried) {
			tried = true;
			// Cheapest candidates first: the bound they set stops the dearer counts early.
			for (const s of [...sized].sort((a, b) => perCandidate(a.driver) - perCandidate(b.driver))) {
				const cap = Math.floor(bound / perCandidate(s.driver));
				if (cap <= s.n - 1) continue;
				const n = s.driver.size(cap);
				if (n > cap) continue;
				bound = n * perCandidate(s.driver);
				const driver = s.driver;
				pick = () => {
					throw new Fallback(driver);
				};
				note = `${driver.name} ${n} cheaper`;
			}
		}
		notes.push(note);
		return pick;
	};

	const ranked = p.text !== '' && sort === 'relevance';
	const conditions = [...p.where.values()];
	const newest = !(sort === 'mtime' && !descending);
	// The newest-first index's own order, read from either end.
	const scanOrder = newest ? NEWEST_FIRST : 'e.mtime, e.name_key DESC, e.name DESC, e.id DESC';
	const undatedOrder = newest ? 'e.name_key, e.name, e.id' : 'e.name_key DESC, e.name DESC, e.id DESC';
	const ids: number[] = [];

	/**
	 * Reads entries in ranking order through entry_recent, a window at a time (the first small,
	 * each next four times the last), until `need` pass. After each window the matches met so far
	 * predict the rest of the scan, and what costs less than that rest is read instead: `local`,
	 * or a driver. Not after a first window without a match: the entries of one date can fill
	 * it (~22,000 in the bench's library, newest of all), and say little of the rest.
	 *
	 * With `initial` (a first character, folded), only names starting with it are read, in the
	 * same order, through entry_initial: the scans for names starting with the text.
	 */
	const scan = (
		extra: Condition[],
		need: number,
		local: Alternative | null,
		own = conditions,
		initial?: string
	): Found => {
		const w = whereOf([...extra, ...own]);
		const lead = initial === undefined ? null : `${INITIAL} = ${params.add(initial)}`;
		const index = `entry e INDEXED BY ${lead ? INITIAL_INDEX : RECENT_INDEX}`;
		const found: number[] = [];
		const dated = p.where.get('modified')?.sql;
		const range = [lead, dated].filter((c) => c).join(' AND ') || 'true';
		const [beyond, within] = newest ? ['<', '>='] : ['>', '<='];
		let bound: number | null = null;
		/** Rows read through `bound`, when counted. */
		let read: number | undefined = 0;
		let exhausted = false;
		for (let window = FIRST_WINDOW, round = 1; found.length < need; window *= 4, round++) {
			const past: string = bound === null ? 'e.mtime IS NOT NULL' : `e.mtime ${beyond} ${bound}`;
			const edge: number | undefined = params.value<number>(
				sql,
				`SELECT e.mtime FROM ${index} WHERE ${range} AND ${past}
					ORDER BY ${scanOrder} LIMIT 1 OFFSET ${window}`
			);
			const upTo = edge === undefined ? 'true' : `e.mtime ${within} ${edge}`;
			const before = found.length;
			found.push(
				...params.rows<number>(
					sql,
					`SELECT json_group_array(id) FROM (SELECT e.id FROM ${index} ${w.joins}
						WHERE ${range} AND ${past} AND ${upTo} AND ${w.sql} ORDER BY ${scanOrder} LIMIT ${need - found.length})`
				)
			);
			if (edge === undefined) {
				// Entries without a date come last either way.
				if (found.length < need && dated === undefined) {
					found.push(
						...params.rows<number>(
							sql,
							`SELECT json_group_array(id) FROM (SELECT e.id FROM ${index} ${w.joins}
								WHERE ${range} AND e.mtime IS NULL AND ${w.sql} ORDER BY ${undatedOrder} LIMIT ${need - found.length})`
						)
					);
				}
				exhausted = found.length < need;
				break;
			}
			if (found.length >= need) break;
			const prior = bound;
			bound = edge;
			if (found.length === 0 && round === 1) {
				read = undefined;
				continue;
			}
			// The rows read, counted only now that they decide something (~0.05 µs each): a window
			// ends where its last date does, so it can hold far more rows than asked for (the bench
			// library's newest date has ~22,000 entries).
			const counted = (where: string) => params.count(sql, `SELECT count(*) FROM ${index} WHERE ${range} AND ${where}`);
			const rows = counted(`${past} AND ${upTo}`);
			read = (read ?? (prior === null ? 0 : counted(`e.mtime ${within} ${prior}`))) + rows;
			// The rest predicted from the last window's matches (older ones say less of what comes
			// next: a burst of one date among the newest), else from all read so far.
			const left = Math.max(0, total - read);
			const met = found.length - before;
			const rate = met > 0 ? met / rows : found.length / read;
			const predicted = rate > 0 ? Math.min(left, (need - found.length) / rate) : left;
			const instead = predicted * SCAN_ROW > CHEAP ? cheaperThan(predicted * SCAN_ROW, local) : null;
			if (instead) return instead();
		}
		notes.push(`scan${initial ? ` of "${initial}"` : ''} found ${found.length}${read ? ` past ${read} rows` : ''}`);
		return { ids: found, count: found.length, exact: exhausted };
	};
	/**
	 * Names in [lo, hi) (a stretch of the name index) passing `test` too: sorted when few, else
	 * scanned for, the stretch sorted instead if the scan turns out to cost more. "Few" is where
	 * sorting them would cost what a scan of a library where they are spread evenly would: sorting
	 * n costs ~n steps, a scan ~need × total / n.
	 */
	const named = (
		lo: string,
		hi: string,
		test: Condition[],
		need: number,
		known?: (inRange: number) => number | undefined
	): Found => {
		const own = conditions.filter((c) => !p.wordsInRange.some((k) => p.where.get(k) === c));
		// Every name in the range starts with lo's first character (a code point, as substr() counts).
		const initial = [...lo][0];
		if (!rangeable(lo)) return scan(test, need, null, own, initial);
		const range = nameRange(params, lo, hi);
		const all = [range, ...own, ...test];
		const inIndex = all.every((c) => c.indexed);
		const words = sized.find((s) => s.driver.name === 'prefix' || s.driver.name === 'text')?.driver ?? null;
		const others = othersShare(words);
		const per = (inIndex ? IN_INDEX : ROW) + SORT * others;
		const few = Math.min(Math.floor(CAP / per), crossover(per, others));
		const size = (cap: number) => p.countRange(lo, hi, cap);
		const sortRange = (inRange?: number): Found => {
			const count = inRange === undefined ? undefined : known?.(inRange);
			const page = sorted(
				`entry e INDEXED BY ${NAME_INDEX}`,
				all,
				scanOrder,
				need,
				0,
				windowCheaper(!inIndex, others, inRange ?? Infinity),
				count
			);
			notes.push(`names [${lo}, ${hi}) found ${page.ids.length}`);
			return page;
		};
		const n = size(few);
		if (n <= few) return sortRange(n);
		return scan(test, need, { name: `names [${lo}, ${hi})`, per, size, run: () => sortRange() }, own, initial);
	};

	const parts: Found[] = [];
	try {
		if (ranked) {
			// Exact names ("t" and "t.ext"), names starting with the text, then the rest.
			const t = p.text;
			const exactName = { sql: p.exactName, indexed: true, weight: 2 };
			const otherName = { sql: `NOT ${p.exactName}`, indexed: true, weight: 2 };
			const starts = { sql: p.startsName, indexed: true, weight: 1 };
			const steps: (() => Found)[] = [
				() => named(t, t + '/', [exactName], wanted - ids.length),
				// Unfiltered, the names starting with the text less the exact ones (counted first).
				() =>
					named(t, prefixEnd(t), [starts, otherName], wanted - ids.length, (inRange) =>
						p.unfiltered && parts[0]?.exact ? inRange - parts[0].count : undefined
					)
			];
			if (!p.prefixOnly) {
				steps.push(() => scan([{ sql: `NOT ${p.startsName}`, indexed: true, weight: 1 }], wanted - ids.length, null));
			}
			for (const step of steps) {
				if (ids.length >= wanted) {
					// What the page did not need is not counted.
					parts.push({ ids: [], count: 0, exact: false });
					break;
				}
				const part = step();
				parts.push(part);
				ids.push(...part.ids);
			}
		} else {
			const part = scan([], wanted, null);
			parts.push(part);
			ids.push(...part.ids);
		}
	} catch (e) {
		if (e instanceof Fallback) return exactVia(e.driver);
		throw e;
	}
	return {
		hits: hitsOf(lib, ids.slice(offset, offset + limit)),
		offset,
		total: Math.max(
			ids.length,
			p.atLeast(),
			parts.reduce((sum, part) => sum + part.count, 0)
		),
		totalExact: parts.every((part) => part.exact)
	};
}
