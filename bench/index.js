// bench index: index a generated tree of 100,000 small files in 5,000 folders on OPFS through
// the app (add a folder, then the index job), rescan it unchanged, and in the same run walk it
// raw with the bare File System Access API. Peak JS heap is sampled over the page and its
// workers (the core runs in one) through the DevTools protocol.
import { buildAll, HeapSampler, openApp, openPersistent, round } from './browser.js';
import { MAKE_TREE, RAW_WALK } from './web/walk.js';

const DIRS = Number(process.env.ORRERY_BENCH_INDEX_DIRS ?? 5000);
const PER_DIR = 20;
const ROOT = 'bench-index-tree';

/** Runs a worker source in the page (a blob worker of the app's origin) and returns its answer. */
function inWorker(page, source, message) {
	return page.evaluate(
		({ source, message }) =>
			new Promise((resolve, reject) => {
				const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
				worker.onmessage = (e) => {
					worker.terminate();
					resolve(e.data);
				};
				worker.onerror = (e) => reject(new Error(e.message));
				worker.postMessage(message);
			}),
		{ source, message }
	);
}

/** Waits for a job to finish and returns its summary. */
function jobDone(page, id) {
	return page.evaluate(async (id) => {
		for (;;) {
			const job = (await window.orrery.listJobs()).find((j) => j.id === id);
			if (job && ['done', 'failed', 'cancelled'].includes(job.state)) return job;
			await new Promise((r) => setTimeout(r, 250));
		}
	}, id);
}

export default async function benchIndex({ log }) {
	buildAll(log);
	const env = await openPersistent();
	const heap = new HeapSampler(env.browser);
	try {
		const { page } = await openApp(env.browser, env.appUrl, env.context);
		log(`writing ${DIRS * PER_DIR} files in ${DIRS} folders to OPFS…`);
		const tree = await inWorker(page, MAKE_TREE, { root: ROOT, dirs: DIRS, perDir: PER_DIR });
		log(`tree: ${tree.files} files, ${tree.bytes} bytes`);

		const walk1 = await inWorker(page, RAW_WALK, { root: ROOT });
		log(`raw walk: ${walk1.files} files in ${round(walk1.ms / 1000, 2)} s`);

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
		const peakMb = await heap.stop();
		log(
			`rescan: ${rescan.progress.files} files in ${round(rescanMs / 1000, 2)} s, ${rescan.progress.written ?? 0} rows written`
		);

		const walk2 = await inWorker(page, RAW_WALK, { root: ROOT });
		log(`raw walk again: ${round(walk2.ms / 1000, 2)} s`);
		await inWorker(
			page,
			`self.onmessage = async ({ data }) => { await (await navigator.storage.getDirectory()).removeEntry(data, { recursive: true }); self.postMessage(0); }`,
			ROOT
		);

		const filesPerS = tree.files / (indexMs / 1000);
		// The faster of the two raw walks: the baseline is the best the bare API did.
		const rawPerS = tree.files / (Math.min(walk1.ms, walk2.ms) / 1000);
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
