// bench search: a library of 1,000,000 entries, generated straight into a database in Node
// (bench/search/library.ts) and imported into the built app on OPFS; then 50 searches as typed,
// letter by letter, half of them with filters, through the core API (window.orrery.search, the
// first page of 200 a view shows). The baseline in the same run: a plain LIKE '%q%' scan of the
// same file with the same engine, VFS and pragmas (bench/search/web/like.worker.ts).
import { createServer } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { buildAll, openApp, openPersistent, round } from './browser.js';
import { closeServer, serveBuild } from '../scripts/serve.js';
import { benchQueries } from './search/queries.js';

const ENTRIES = Number(process.env.ORRERY_BENCH_SEARCH_ENTRIES ?? 1_000_000);
/** Each query runs this many times; its median counts (the box is shared and noisy). */
const PASSES = 3;
const NODE_BUNDLE = 'bench/.dist/search/node/node.js';
const WEB_DIST = 'bench/.dist/search/web';

/** Builds the Node generator and the baseline page (Vite, as the other bench pages). */
async function buildSearch(log) {
	if (process.env.ORRERY_BENCH_NO_BUILD && existsSync(NODE_BUNDLE) && existsSync(`${WEB_DIST}/index.html`)) return;
	log('building the library generator and the LIKE baseline page…');
	const { build } = await import('vite');
	await build({
		configFile: false,
		logLevel: 'warn',
		build: { ssr: 'bench/search/node.ts', outDir: 'bench/.dist/search/node', emptyOutDir: true, target: 'node20' }
	});
	await build({
		configFile: false,
		logLevel: 'warn',
		root: 'bench/search/web',
		base: './',
		worker: { format: 'es' },
		build: { outDir: '../../.dist/search/web', emptyOutDir: true, target: 'es2022' }
	});
}

/** Serves one file's bytes on loopback to any origin (the app's and the baseline page's). */
async function serveBytes(bytes) {
	const server = createServer((req, res) => {
		res.writeHead(200, {
			'content-type': 'application/octet-stream',
			'content-length': bytes.length,
			'access-control-allow-origin': '*'
		});
		res.end(bytes);
	});
	await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
	return {
		url: `http://127.0.0.1:${server.address().port}/library.sqlite3`,
		close: () => closeServer(server)
	};
}

function percentile(values, p) {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const medianOf = (values) => percentile(values, 50);

const describe = (q) =>
	JSON.stringify(q, (k, v) => (k === 'locations' || k === 'any' ? v.map((id) => id.slice(-4)) : v)).slice(0, 140);

/** Longest a LIKE run may take: it takes ~30 s here (fetch, import, 150 count and 50 page scans). */
const LIKE_DEADLINE_MS = 120_000;
const LIKE_ATTEMPTS = 3;
/** Longest the app's import of the library may take: 7–15 s seen. */
const IMPORT_DEADLINE_MS = 180_000;

/**
 * The LIKE scans (bench/search/web/like.worker.ts), in a browser of their own with the same flags,
 * run and closed before the app's searches, so the app's tab never shares a renderer or the disk
 * with them. A run past its deadline is killed and run again in a fresh browser; its times are
 * those of a run that completed. (The hangs of sessions 8–10, taken for the browser's, were this
 * runner's: closing the page's server waited for good on a connection the browser kept open.)
 */
async function likeBaseline(url, queries, log) {
	for (let attempt = 1; ; attempt++) {
		log(`LIKE baseline on the same file${attempt > 1 ? ` (attempt ${attempt} of ${LIKE_ATTEMPTS})` : ''}…`);
		const env = await openPersistent();
		const site = await serveBuild({ root: WEB_DIST, port: 0 });
		let timer;
		let hung = false;
		const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve(null), LIKE_DEADLINE_MS)));
		try {
			const page = await env.context.newPage();
			page.on('console', (m) => log(`${new Date().toISOString().slice(11, 19)} ${m.text()}`));
			page.on('crash', () => log('the LIKE page crashed'));
			await page.goto(`${site.url}/`);
			const scan = page.evaluate((request) => window.likeScan(request), {
				url,
				texts: queries.map((q) => q.text),
				passes: PASSES
			});
			scan.catch(() => {});
			const result = await Promise.race([scan, deadline]);
			if (result) return result;
			hung = true;
			if (attempt >= LIKE_ATTEMPTS)
				throw new Error(`the LIKE browser stopped answering in ${LIKE_ATTEMPTS} runs of ${LIKE_DEADLINE_MS / 1000} s`);
			log(`the LIKE run gave nothing for ${LIKE_DEADLINE_MS / 1000} s; killing its browser`);
		} finally {
			clearTimeout(timer);
			await site.close();
			if (hung) await env.kill();
			else if (!(await env.closeOrKill())) log('the LIKE browser did not close in 30 s; killed');
		}
	}
}

export default async function benchSearch({ log }) {
	buildAll(log);
	await buildSearch(log);
	const M = await import(`../${NODE_BUNDLE}`);
	const env = await openPersistent();
	let file = null;
	try {
		const { page } = await openApp(env.browser, env.appUrl, env.context);
		page.on('crash', () => log('the tab crashed'));
		page.on(
			'console',
			(m) => m.type() === 'error' && !m.text().includes('WebSocket') && log(`app console: ${m.text()}`)
		);
		const { deviceId } = await page.evaluate(() => window.orrery.settings());

		// ORRERY_BENCH_SEARCH_KEEP=path keeps the generated file (and its facts) for later runs.
		const keep = process.env.ORRERY_BENCH_SEARCH_KEEP;
		let started = Date.now();
		let bytes, facts, library;
		if (keep && existsSync(keep) && existsSync(`${keep}.json`)) {
			bytes = await readFile(keep);
			facts = JSON.parse(await readFile(`${keep}.json`, 'utf8'));
			library = await M.load(new Uint8Array(bytes), deviceId);
			log(`library read from ${keep}: ${facts.entries.toLocaleString('en-US')} entries`);
		} else {
			log(`generating a library of ${ENTRIES.toLocaleString('en-US')} entries in Node…`);
			const built = await M.generate({ entries: ENTRIES, deviceId, log });
			bytes = Buffer.from(built.export());
			facts = { entries: built.entries, folders: built.folders, tags: built.tags, locations: built.locations };
			library = built.lib;
			log(
				`generated in ${round((Date.now() - started) / 1000, 1)} s: ${round(bytes.length / 2 ** 20, 0)} MiB, ` +
					`${facts.folders.toLocaleString('en-US')} folders`
			);
			if (keep) {
				await writeFile(keep, bytes);
				await writeFile(`${keep}.json`, JSON.stringify(facts));
			}
		}
		file = await serveBytes(bytes);
		const queries = benchQueries({ now: M.NOW, tags: facts.tags, locations: facts.locations });
		const like = await likeBaseline(file.url, queries, log);

		started = Date.now();
		log('importing it into the app…');
		const stage = (text) => log(`${new Date().toISOString().slice(11, 19)} import: ${text}`);
		await page.exposeFunction('benchStage', stage);
		const importing = page.evaluate(async (url) => {
			const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
			await window.benchStage(`fetched ${bytes.length} bytes`);
			const lib = await window.orrery.importLibrary(bytes, 'Bench');
			await window.benchStage('imported');
			await window.orrery.switchLibrary(lib.id);
			await window.benchStage('opened');
			const stats = await window.orrery.libraryStats();
			return { lib, stats };
		}, file.url);
		importing.catch(() => {});
		const imported = await Promise.race([importing, delay(IMPORT_DEADLINE_MS).then(() => null)]);
		if (!imported) {
			const alive = await Promise.race([page.evaluate(() => 'yes'), delay(5000).then(() => 'no')]);
			throw new Error(
				`the import into the app gave nothing for ${IMPORT_DEADLINE_MS / 1000} s (its page answers: ${alive})`
			);
		}
		if (imported.lib.broken) throw new Error(`the imported library is broken: ${JSON.stringify(imported.lib)}`);
		log(`imported into the app (OPFS) in ${round((Date.now() - started) / 1000, 1)} s`);
		// Both connections size their page cache by it (src/lib/vdfs/db/page-cache.ts).
		const deviceMemory = await page.evaluate(() => navigator.deviceMemory);
		log(`navigator.deviceMemory: ${deviceMemory} GB (the page cache follows it, the app's and the LIKE scan's)`);

		// A few searches not in the set first: the schema and the indexes' top pages, as any
		// search after opening a library finds them.
		const timed = await page.evaluate(
			async ({ queries, passes }) => {
				for (const text of ['zq', 'photo', 'x']) await window.orrery.search({ text }, { limit: 200 });
				const runs = queries.map(() => ({ ms: [], hits: 0, total: 0, exact: false }));
				for (let pass = 0; pass < passes; pass++) {
					for (const [i, q] of queries.entries()) {
						const t = performance.now();
						const r = await window.orrery.search(q, { limit: 200 });
						runs[i].ms.push(performance.now() - t);
						Object.assign(runs[i], { hits: r.hits.length, total: r.total, exact: r.totalExact });
					}
				}
				return runs;
			},
			{ queries, passes: PASSES }
		);
		const ms = timed.map((r) => medianOf(r.ms));
		// Each pass on its own: a pass far off the others was disturbed (the box, or the app's tab).
		const byPass = Array.from({ length: PASSES }, (_, pass) =>
			round(
				percentile(
					timed.map((r) => r.ms[pass]),
					50
				),
				1
			)
		);
		log(`p50 of each pass: ${byPass.join(', ')} ms`);

		// Which way each search went, from the core's own planner run on the same database in Node.
		const plans = queries.map((q) => M.explainSearch?.(library, q, { limit: 200 }) ?? '');

		log(`LIKE plan: ${like.plan.join('; ')}`);

		for (const [i, q] of queries.entries()) {
			const r = timed[i];
			log(
				`${round(ms[i], 1).toFixed(1).padStart(7)} ms  ${String(r.hits).padStart(3)} hits, ` +
					`${r.exact ? '' : '≥'}${r.total} total  LIKE ${round(like.count[i], 0)} ms (${like.matches[i]})` +
					`  ${describe(q)}${plans[i] ? `  [${plans[i]}]` : ''}`
			);
		}
		const p50 = percentile(ms, 50);
		const p95 = percentile(ms, 95);
		const likeP50 = percentile(like.count, 50);
		log(
			`search: p50 ${round(p50, 1)} ms, p95 ${round(p95, 1)} ms, max ${round(Math.max(...ms), 1)} ms over ${queries.length} queries`
		);
		log(
			`LIKE '%q%' count scan: p50 ${round(likeP50, 1)} ms (page with total: p50 ${round(percentile(like.page, 50), 1)} ms); ` +
				`${round(likeP50 / p50, 1)}x the search's p50`
		);
		return {
			bench: 'search',
			entries: facts.entries,
			p50_ms: round(p50, 1),
			p95_ms: round(p95, 1),
			like_scan_p50_ms: round(likeP50, 1)
		};
	} finally {
		await file?.close();
		await env.closeOrKill();
	}
}
