// bench db: 100,000 entry rows through the core API into an OPFS library, against a plain
// prepared-statement insert loop on the same VFS in the same run; then list 1,000 children of
// one folder and run name searches.
import { benchTree } from './web/rows.js';
import { buildAll, median, openApp, openBrowser, round } from './browser.js';

const DIRS = 100;
const PER_DIR = 1000;

export default async function benchDb({ log }) {
	buildAll(log);
	const env = await openBrowser();
	try {
		const { page } = await openApp(env.browser, env.appUrl);
		log(`inserting ${DIRS * PER_DIR + DIRS} rows through the core API…`);
		const api = await page.evaluate(
			async ({ src, dirs, perDir }) => {
				const tree = new Function(`return (${src})`)()(dirs, perDir);
				const orrery = window.orrery;
				await orrery.createLibrary({ name: 'bench' });
				const loc = await orrery.createLocation({ name: 'bench', kind: 'opfs' });
				const started = performance.now();
				let rows = await orrery.putEntries(loc.id, tree.dirs);
				for (const batch of tree.files) rows += await orrery.putEntries(loc.id, batch);
				const ms = performance.now() - started;
				const list = [];
				for (let i = 0; i < 21; i++) {
					const t = performance.now();
					const children = await orrery.listChildren(loc.id, `folder-${String(i * 4).padStart(4, '0')}`, {
						limit: 1000
					});
					list.push(performance.now() - t);
					if (children.length !== perDir) throw new Error(`listed ${children.length} children, expected ${perDir}`);
				}
				const search = [];
				for (const q of ['report.pdf', '42-7', 'file 9', '-99', 'mp4', 'folder', 'x', 'fi']) {
					for (let i = 0; i < 3; i++) {
						const t = performance.now();
						await orrery.searchNames(q, { limit: 100 });
						search.push(performance.now() - t);
					}
				}
				return { rows, ms, list, search };
			},
			{ src: benchTree.toString(), dirs: DIRS, perDir: PER_DIR }
		);
		log('inserting the same rows with a plain prepared-statement loop…');
		const benchContext = await env.browser.newContext();
		const benchPage = await benchContext.newPage();
		await benchPage.goto(env.benchUrl);
		const raw = await benchPage.evaluate(({ dirs, perDir }) => window.rawInsert(dirs, perDir), {
			dirs: DIRS,
			perDir: PER_DIR
		});

		const rowsPerS = api.rows / (api.ms / 1000);
		const rawRowsPerS = raw.rows / (raw.ms / 1000);
		const result = {
			bench: 'db',
			rows_per_s: Math.round(rowsPerS),
			raw_rows_per_s: Math.round(rawRowsPerS),
			ratio: round(rowsPerS / rawRowsPerS, 3),
			list_ms: round(median(api.list), 2),
			search_ms: round(median(api.search), 2)
		};
		log(`core API: ${api.rows} rows in ${round(api.ms / 1000, 2)} s = ${result.rows_per_s} rows/s`);
		log(
			`raw loop: ${raw.rows} rows in ${round(raw.ms / 1000, 2)} s = ${result.raw_rows_per_s} rows/s (ratio ${result.ratio})`
		);
		log(`list 1,000 children: median ${result.list_ms} ms (max ${round(Math.max(...api.list), 2)} ms)`);
		log(`name search: median ${result.search_ms} ms (max ${round(Math.max(...api.search), 2)} ms)`);
		return result;
	} finally {
		await env.close();
	}
}
