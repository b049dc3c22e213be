/// <reference lib="webworker" />
/**
 * The baseline of `bench search`: a plain `LIKE '%q%'` scan over the same library file, in the
 * same browser and run, on the same VFS (opfs-sahpool, a pool of its own: the app's core holds
 * its pool exclusively) with the core's pragmas (library/open-library.ts), so the two differ
 * only in how they search.
 *
 * The scan is `SELECT count(*) … WHERE name LIKE '%q%'`: every name read once, the least any
 * LIKE search that ranks or counts its matches can do (with LIMIT and no count, a common letter
 * would stop after a few rows and measure nothing). SQLite picks its cheapest way to read the
 * names (a covering index, not the table). The page a naive search would show, newest first
 * with its total, is measured too, for reference.
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { pageCacheMiB } from '../../../src/lib/vdfs/db/page-cache';

export interface LikeRequest {
	/** Where to fetch the library file (the bench runner serves it on loopback). */
	url: string;
	texts: string[];
	/** Each count scan runs this many times; its median counts. */
	passes: number;
}

export interface LikeResult {
	/** Per text, ms of the count scan (median of the passes) and of the page scan, and the matches counted. */
	count: number[];
	page: number[];
	matches: number[];
	plan: string[];
	bytes: number;
}

const like = (s: string): string => '%' + s.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%';

/** Where the worker has got to, for the runner's log: a worker that dies says nothing else. */
const stage = (text: string) => self.postMessage({ stage: text });

self.onmessage = async ({ data }: MessageEvent<LikeRequest>) => {
	try {
		const sqlite3 = await sqlite3InitModule();
		const pool = await sqlite3.installOpfsSAHPoolVfs({
			name: 'bench-like',
			directory: '.bench-like',
			clearOnInit: true
		});
		let bytes: Uint8Array | null = new Uint8Array(await (await fetch(data.url)).arrayBuffer());
		const byteLength = bytes.length;
		stage(`fetched ${Math.round(byteLength / 2 ** 20)} MiB`);
		await pool.importDb('/like.sqlite3', bytes);
		// Let go of the file's bytes (~650 MB) before the scans: held, they leave this worker little
		// room beside the app's, and it was seen to die in its page scans without a word.
		bytes = null;
		stage('imported into its OPFS pool');
		const db = new pool.OpfsSAHPoolDb('/like.sqlite3');
		db.exec('PRAGMA locking_mode = EXCLUSIVE');
		db.exec('PRAGMA journal_mode = WAL');
		db.exec('PRAGMA synchronous = NORMAL');
		db.exec(`PRAGMA cache_size = -${pageCacheMiB() * 1024}`);
		const COUNT = "SELECT count(*) FROM entry WHERE name LIKE ? ESCAPE '\\'";
		// The page, then its total in a statement of its own (the count scan), not a window that
		// keeps every match of a common letter (~400,000 rows) to count them.
		const PAGE = `SELECT json_group_array(json_object('id', uuid, 'name', name, 'mtime', mtime)) FROM (
			SELECT uuid, name, mtime FROM entry
			WHERE parent_id IS NOT NULL AND name LIKE ? ESCAPE '\\' ORDER BY mtime DESC LIMIT 200)`;
		const plan = (sql: string) =>
			db.selectObjects(`EXPLAIN QUERY PLAN ${sql}`, [like('x')]).map((r) => String(r.detail));
		const result: LikeResult = {
			count: [],
			page: [],
			matches: [],
			plan: [...plan(COUNT), '/', ...plan(PAGE)],
			bytes: byteLength
		};
		// One scan first, so the first timed one does not pay for the file's first reads alone.
		db.selectValue(COUNT, [like('warm')]);
		const runs: number[][] = data.texts.map(() => []);
		for (let pass = 0; pass < data.passes; pass++) {
			for (const [i, text] of data.texts.entries()) {
				const t = performance.now();
				result.matches[i] = Number(db.selectValue(COUNT, [like(text)]));
				runs[i].push(performance.now() - t);
			}
		}
		stage('count scans done');
		result.count = runs.map((ms) => ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]);
		for (const [i, text] of data.texts.entries()) {
			if (i % 10 === 0) stage(`page scans: ${i} of ${data.texts.length}`);
			const t = performance.now();
			db.selectValue(PAGE, [like(text)]);
			db.selectValue(COUNT, [like(text)]);
			result.page.push(performance.now() - t);
		}
		// The result, and nothing after it: the runner throws the whole browser profile away. (This
		// worker's clean-up was once blamed for the bench's hangs, which turned out to be the
		// runner's: see likeBaseline in bench/search.js.)
		self.postMessage({ ok: true, result });
	} catch (e) {
		self.postMessage({ ok: false, error: String(e) });
	}
};
