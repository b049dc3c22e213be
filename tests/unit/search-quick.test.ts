import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EntryInput, LocationId, SearchQuery } from '../../src/lib/vdfs/api';
import { putEntries } from '../../src/lib/vdfs/entries/entries';
import { createLocation } from '../../src/lib/vdfs/locations/locations';
import { QUICK_FROM } from '../../src/lib/vdfs/search/quick';
import { explainSearch, search } from '../../src/lib/vdfs/search/query';
import { openMemoryLibrary } from './helpers';

const T = Date.UTC(2024, 5, 1);
const MINUTE = 60_000;

/**
 * A library just past QUICK_FROM files whose names share few first characters and many
 * prefixes, dates in bursts with ties, dot-files and entries marked hidden, in two locations:
 * a search's first page often comes from quickPage(), and as often not.
 */
async function library() {
	const lib = await openMemoryLibrary();
	const locations = [0, 1].map((i) => createLocation(lib, { name: `L${i}`, kind: 'opfs' }).id as LocationId);
	// mulberry32: the same library every run.
	let state = 7;
	const next = (n: number) => {
		state = (state + 0x6d2b79f5) | 0;
		let x = Math.imul(state ^ (state >>> 15), 1 | state);
		x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
		return ((x ^ (x >>> 14)) >>> 0) % n;
	};
	const firsts = ['a', 'a', 'a', 'A', 'b', 'B', '1', 'é', '.'];
	// '.' and '-' rare: names "a.…" and "a-…" fall in the exact names' stretch of the index.
	const tails = [...Array<string[]>(4).fill(['a', 'b', 'ab', 'ba']).flat(), '.', '-', '1', 'x', '1', 'x'];
	const exts = ['', '.txt', '.JPG', '.a', '.b.txt'];
	for (const [i, location] of locations.entries()) {
		const rows: EntryInput[] = [];
		const n = Math.ceil(QUICK_FROM / 2) + 1500;
		for (let d = 0; d < 20; d++) rows.push({ path: `d${d}`, isDir: true, size: 0, mtime: T - next(1000) * MINUTE });
		for (let k = 0; k < n; k++) {
			let name = firsts[next(firsts.length)];
			for (let len = next(4); len > 0; len--) name += tails[next(tails.length)];
			// Bursts: most files in a few recent minutes, the rest spread over years.
			const mtime = next(3) === 0 ? T - next(30) * MINUTE : T - next(500_000) * MINUTE;
			// Mostly a unique suffix (not part of an exact name); a quarter bare, so exact names repeat.
			const suffix = next(4) === 0 ? '' : `_${i}_${k}`;
			rows.push({
				path: `d${next(20)}/${name}${suffix}${exts[next(exts.length)]}`,
				isDir: false,
				size: 1,
				mtime,
				hidden: next(50) === 0
			});
		}
		// Paths repeat when the suffix was dropped: the first of each is kept.
		const seen = new Set<string>();
		putEntries(
			lib,
			location,
			rows.filter((r) => !seen.has(r.path) && seen.add(r.path))
		);
	}
	return { lib, locations };
}

type Library = Awaited<ReturnType<typeof library>>;
let fx: Library;
beforeAll(async () => {
	fx = await library();
}, 60_000);

/**
 * The ranking written out plainly, without the search's indexes or plans: names visible, holding
 * the text (at the start for one or two letters), exact names ("t", "t.ext") first, then those
 * starting with it, then the rest; newest first, then natural name, name and id.
 */
function reference(q: SearchQuery & { text: string }, offset: number, limit: number): string[] {
	const bind: (string | number)[] = [q.text.toLowerCase()];
	const add = (v: string | number) => `?${bind.push(v)}`;
	const conditions = [
		'parent_id IS NOT NULL',
		q.hidden ? 'concealed < 2' : 'concealed = 0',
		[...q.text].length >= 3 ? 'instr(lower(name), ?1) > 0' : 'substr(lower(name), 1, length(?1)) = ?1'
	];
	if (q.locations)
		conditions.push(`location_id IN (SELECT id FROM location WHERE uuid IN (${q.locations.map(add).join(', ')}))`);
	if (q.modifiedFrom !== undefined) conditions.push(`mtime >= ${add(q.modifiedFrom)}`);
	const rank = `CASE WHEN lower(name) = ?1 OR (substr(lower(name), 1, length(?1) + 1) = ?1 || '.'
		AND length(name) > length(?1) + 1 AND instr(substr(name, length(?1) + 2), '.') = 0) THEN 0
		WHEN substr(lower(name), 1, length(?1)) = ?1 THEN 1 ELSE 2 END`;
	return fx.lib.sql
		.all<{ uuid: string }>(
			`SELECT uuid FROM entry NOT INDEXED WHERE ${conditions.join(' AND ')}
			ORDER BY ${rank}, mtime DESC, name_key, name, id LIMIT ${limit} OFFSET ${offset}`,
			bind
		)
		.map((r) => r.uuid);
}

describe('a ranked search’s quick first page', () => {
	it('is the page the ranking gives, with and without filters, for any prefix and page', () => {
		let quick = 0;
		let runs = 0;
		const text = fc
			.tuple(
				fc.constantFrom('a', 'A', 'b', '1', 'é', '.'),
				fc.array(fc.constantFrom('a', 'b', 'x', '.', '-', '1'), { maxLength: 4 })
			)
			.map(([first, rest]) => first + rest.join(''));
		fc.assert(
			fc.property(
				text,
				fc.record(
					{
						locations: fc.constantFrom(0, 1).map((i) => [fx.locations[i]]),
						modifiedFrom: fc.integer({ min: 0, max: 40 }).map((m) => T - m * MINUTE),
						hidden: fc.boolean()
					},
					{ requiredKeys: [] }
				),
				// First pages most often, as typed searches ask.
				fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 })),
				fc.integer({ min: 1, max: 300 }),
				(t, filters, offset, limit) => {
					const q = { text: t, ...filters };
					runs++;
					// Only a note of its own: the quick page was the page.
					if (/^quick: [^;]*$/.test(explainSearch(fx.lib, q, { offset, limit }))) quick++;
					const got = search(fx.lib, q, { offset, limit }).hits.map((h) => h.id as string);
					expect(got).toEqual(reference(q, offset, limit));
				}
			),
			{ numRuns: 150, seed: 42 }
		);
		// Both ways were tried.
		expect(quick).toBeGreaterThan(runs / 5);
		expect(quick).toBeLessThan(runs);
	});
});
