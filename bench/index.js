// bench index: index a generated tree of 100,000 small files in 5,000 folders on OPFS through
// the app (add a folder, then the index job), rescan it unchanged, and in the same run walk it
// raw with the bare File System Access API. Peak JS heap is sampled over the page and its
// workers (the core runs in one) through the DevTools protocol.
import { buildAll, HeapSampler, inWorker, jobDone, openApp, openPersistent, round } from './browser.js';
import { MAKE_TREE, RAW_WALK } from './web/walk.js';

const DIRS = Number(process.env.ORRERY_BENCH_INDEX_DIRS ?? 5000);
const PER_DIR = 20;
const ROOT = 'bench-index-tree';

export default async function benchIndex({ log }) {
	buildAll(log);
	const env = await openPersistent();
	const heap = new HeapSampler(env.browser);
	try {
		const { page } = await openApp(env.browser, env.appUrl, env.context);
		const crashed = new Promise((_, reject) => page.on('crash', () => reject(new Error('the tab crashed'))));
		crashed.catch(() => {});
		page.on('crash', () => log('the tab crashed'));
		log(`writing ${DIRS * PER_DIR} files in ${DIRS} folders to OPFS…`);
		// In slices, each in a fresh worker: one worker making all 100,000 files took the tab down.
		const tree = { files: 0, bytes: 0 };
		for (let from = 0; from < DIRS; from += 500) {
			const part = await inWorker(page, MAKE_TREE, {
				root: ROOT,
				from,
				to: Math.min(DIRS, from + 500),
				perDir: PER_DIR
			});
			tree.files += part.files;
			tree.bytes += part.bytes;
		}
		log(`tree: ${tree.files} files, ${tree.bytes} bytes`);

		// The raw walk two ways, before and after the app's runs: folder by folder, and 16 folders
		// at once (as parallel as the indexer's walker); the baseline is the fastest of the four.
		const rawWalks = [];
		const rawWalk = async (when) => {
			for (const folders of [1, 16]) {
				const walk = await inWorker(page, RAW_WALK, { root: ROOT, folders });
				if (walk.files !== tree.files) throw new Error(`the raw walk saw ${walk.files} of ${tree.files} files`);
				rawWalks.push(walk.ms);
				log(
					`raw walk ${when}, ${folders === 1 ? 'folder by folder' : `${folders} folders at once`}: ${round(walk.ms / 1000, 2)} s`
				);
			}
		};
		await rawWalk('before');

		await page.evaluate(() => window.orrery.createLibrary({ name: 'bench' }));
		await heap.start();
		const first = await page.evaluate(async (root) => {
			const handle = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
			await window.orrery.addLocation({ name: root, kind: 'fsa', handle });
			return (await window.orrery.listJobs())[0].id;
		}, ROOT);
		const index = await jobDone(page, first);
		if (index.state !== 'done') throw new Error(`the index job ${index.state}: ${index.error?.message}`);
		const [location] = await page.evaluate(() => window.orrery.listLocations());
		if (location.totalFiles !== tree.files) throw new Error(`indexed ${location.totalFiles} of ${tree.files} files`);
		const indexMs = index.finishedAt - index.startedAt;
		log(`index: ${location.totalFiles} files in ${round(indexMs / 1000, 2)} s`);

		const second = await page.evaluate((id) => window.orrery.rescanLocation(id), location.id);
		const rescan = await jobDone(page, second);
		if (rescan.state !== 'done') throw new Error(`the rescan job ${rescan.state}: ${rescan.error?.message}`);
		const rescanMs = rescan.finishedAt - rescan.startedAt;
		log(
			`rescan: ${rescan.progress.files} files in ${round(rescanMs / 1000, 2)} s, ${rescan.progress.written} rows written`
		);
		if (rescan.progress.written !== 0) throw new Error(`the unchanged rescan wrote ${rescan.progress.written} rows`);

		// For the record: a full rescan reads every file's size again (no trust in the watch).
		const third = await page.evaluate((id) => window.orrery.rescanLocation(id, { full: true }), location.id);
		const full = await jobDone(page, third);
		const peakMb = await heap.stop();
		log(`full rescan: ${round((full.finishedAt - full.startedAt) / 1000, 2)} s, ${full.progress.written} rows written`);

		await rawWalk('after');
		await inWorker(
			page,
			`self.onmessage = async ({ data }) => { await (await navigator.storage.getDirectory()).removeEntry(data, { recursive: true }); self.postMessage(0); }`,
			ROOT
		);

		const filesPerS = tree.files / (indexMs / 1000);
		const rawPerS = tree.files / (Math.min(...rawWalks) / 1000);
		return {
			bench: 'index',
			files: tree.files,
			files_per_s: Math.round(filesPerS),
			raw_walk_files_per_s: Math.round(rawPerS),
			ratio: round(filesPerS / rawPerS, 3),
			rescan_files_per_s: Math.round(tree.files / (rescanMs / 1000)),
			peak_js_heap_mb: round(peakMb, 1)
		};
	} finally {
		await heap.stop().catch(() => {});
		await env.close();
	}
}
