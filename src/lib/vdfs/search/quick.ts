import type { OpenLibrary } from '../library/library';
import { INITIAL, INITIAL_INDEX, NAME_INDEX, NEWEST_FIRST, nameRange, type Condition, type Plan } from './plan';

/** Entries of a first character read at most, newest first, for a page of names starting with the text. */
const QUICK_WINDOW = 4096;
/**
 * Files in a library from which a search tries quickPage() first. In smaller ones the usual way
 * costs little either way (its counts stop at the library's size) and gives exact totals.
 */
export const QUICK_FROM = 32_768;
/** Exact names sorted at most (~0.3 µs each in the name index). */
const QUICK_EXACT = 2048;

/**
 * The first page of a ranked search for one word, asked with only conditions the indexes answer
 * (a search box as typed, most searches), when it comes cheaply: the exact names ("t", "t.ext")
 * from their stretch of the name index, sorted; then the first names starting with the text among
 * the newest QUICK_WINDOW entries of its first character (entry_initial). When these fill
 * `wanted`, they are the page in ranking order, and the search needs nothing else: no driver is
 * sized, no window planned. That costs ~0.1–0.6 ms; sizing and planning cost ~1–3 ms ("inv":
 * its prefix counted to 3,536 names, a window's end found 4,096 entries deep, bench search).
 *
 * Null when they do not fill it (a rare prefix, or filters): the search then takes its usual
 * way, having spent at most a window's index steps (~0.5 ms). The total is only "at least".
 */
export function quickPage(lib: OpenLibrary, p: Plan, wanted: number, notes: string[]): number[] | null {
	const t = p.text;
	// One word, no path, a name range can hold (plan.ts).
	if (p.wordsInRange.length === 0 || wanted > QUICK_WINDOW / 4) return null;
	const own: Condition[] = [...p.where]
		.filter(([k]) => !p.wordsInRange.includes(k))
		.map(([, c]) => c)
		.sort((a, b) => (a.weight ?? 0) - (b.weight ?? 0));
	if (!own.every((c) => c.indexed && !c.join)) return null;
	const params = p.params;
	if (p.countRange(t, t + '/', QUICK_EXACT) > QUICK_EXACT) return null;
	const test = (conditions: Condition[]) => conditions.map((c) => `(${c.sql})`).join(' AND ');
	const exact = params.rows<number>(
		lib.sql,
		`SELECT json_group_array(id) FROM (SELECT e.id FROM entry e INDEXED BY ${NAME_INDEX}
			WHERE ${test([nameRange(params, t, t + '/'), { sql: p.exactName }, ...own])}
			ORDER BY ${NEWEST_FIRST} LIMIT ${wanted})`
	);
	const need = wanted - exact.length;
	if (need === 0) {
		notes.push(`quick: ${exact.length} exact`);
		return exact;
	}
	// The window's entries tested in a CASE, whose WHEN stops at the first condition that fails
	// (as a WHERE would); a WHERE beside the LIMIT would instead read on until `need` passed.
	// The date range is in `own` too; in the WHERE as well, the index seeks to it.
	const dated = p.where.get('modified')?.sql ?? 'true';
	const starting = params.rows<number>(
		lib.sql,
		`SELECT json_group_array(hit) FROM (SELECT hit FROM (
			SELECT CASE WHEN ${test([{ sql: p.startsName }, { sql: `NOT ${p.exactName}` }, ...own])} THEN e.id END AS hit
			FROM entry e INDEXED BY ${INITIAL_INDEX}
			WHERE ${INITIAL} = ${params.add([...t][0])} AND ${dated} AND e.mtime IS NOT NULL
			ORDER BY ${NEWEST_FIRST} LIMIT ${QUICK_WINDOW}) WHERE hit IS NOT NULL LIMIT ${need})`
	);
	notes.push(`quick: ${exact.length} exact, ${starting.length} of ${need} starting`);
	return starting.length === need ? [...exact, ...starting] : null;
}
