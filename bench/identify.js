// bench identify: give content ids to a generated tree on OPFS through the app (add a folder;
// the index job queues the identify job), 20,000 files of 1–64 KiB in 100 folders and 200 files
// of 5–50 MiB, and in the same run the raw limit: the bare read + hash-wasm BLAKE3 of the same
// bytes in one worker, storing nothing. The hasher pool is one worker unless
// ORRERY_BENCH_HASHERS says otherwise (the page is opened with `?hashers=N`).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { buildAll, HeapSampler, inWorker, jobDone, openApp, openPersistent, round } from './browser.js';
import { MAKE_FILES } from './web/tree.js';

const SMALL = Number(process.env.ORRERY_BENCH_IDENTIFY_SMALL ?? 20_000);
const LARGE = Number(process.env.ORRERY_BENCH_IDENTIFY_LARGE ?? 200);
const HASHERS = Number(process.env.ORRERY_BENCH_HASHERS ?? 1);
const PER_DIR = 200;
const ROOT = 'bench-identify-tree';
const RAW_WORKER = 'bench/.dist/identify.worker.js';
const KiB = 1024;
const MiB = 1024 * 1024;

/** A seeded PRNG (mulberry32), so every run writes the same tree. */
function prng(seed) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

/** The tree: SMALL files of 1–64 KiB in folders of 200, then LARGE files of 5–50 MiB in `large`. */
function treeFiles() {
	const random = prng(20_000);
	const files = [];
	for (let i = 0; i < SMALL; i++) {
		const dir = `folder ${String(Math.floor(i / PER_DIR)).padStart(3, '0')}`;
		const size = KiB + Math.floor(random() * (63 * KiB + 1));
		files.push({ path: `${dir}/file ${i}.bin`, size, seed: Math.floor(random() * 2 ** 32) });
	}
	for (let i = 0; i < LARGE; i++) {
		const size = 5 * MiB + Math.floor(random() * (45 * MiB + 1));
		files.push({ path: `large/file ${i}.bin`, size, seed: Math.floor(random() * 2 ** 32) });
	}
	return files;
}

/** The bytes a content id reads of a file of this size (see identify.ts and cas.ts). */
function bytesRead(size) {
	return size <= 300 * KiB ? size : 2 * 8 * KiB + 4 * 10 * KiB;
}

const mib = (bytes) => round(bytes / MiB, 1);

export default async function benchIdentify({ log }) {
	if (!Number.isInteger(HASHERS) || HASHERS < 1 || HASHERS > 16) {
		throw new Error(`ORRERY_BENCH_HASHERS must be 1–16 (the core's limit), not ${process.env.ORRERY_BENCH_HASHERS}`);
	}
	buildAll(log);
	if (!existsSync(RAW_WORKER)) throw new Error(`${RAW_WORKER} is missing: run without ORRERY_BENCH_NO_BUILD once`);
	const rawSource = await readFile(RAW_WORKER, 'utf8');
	const files = treeFiles();
	const paths = files.map((f) => f.path);
	const total = { files: files.length, bytes: 0, read: 0 };
	for (const f of files) {
		total.bytes += f.size;
		total.read += bytesRead(f.size);
	}
	// Every file has bytes, so every one gets a content id.
	const nonEmpty = files.filter((f) => f.size > 0).length;
	// Ids checked against the app's: the large files and the first folder.
	const check = paths.filter((p) => p.startsWith('large/') || p.startsWith('folder 000/'));

	// The tree and the library live in the profile, which close() removes however the run ends.
	const env = await openPersistent();
	const heap = new HeapSampler(env.browser);
	try {
		const { page } = await openApp(env.browser, `${env.appUrl}/?hashers=${HASHERS}`, env.context);
		page.on('crash', () => log('the tab crashed'));

		log(`writing ${SMALL} files of 1–64 KiB and ${LARGE} of 5–50 MiB (${mib(total.bytes)} MiB) to OPFS…`);
		// In slices, each in a fresh worker: one worker making 100,000 files took the tab down
		// (bench index); 20 large files are ~550 MiB.
		const started = Date.now();
		const slices = [];
		for (let i = 0; i < SMALL; i += 5000) slices.push(files.slice(i, Math.min(SMALL, i + 5000)));
		for (let i = SMALL; i < files.length; i += 20) slices.push(files.slice(i, i + 20));
		const tree = { files: 0, bytes: 0 };
		for (const [i, slice] of slices.entries()) {
			const part = await inWorker(page, MAKE_FILES, { root: ROOT, files: slice, fresh: i === 0 });
			tree.files += part.files;
			tree.bytes += part.bytes;
		}
		if (tree.files !== total.files || tree.bytes !== total.bytes) {
			throw new Error(`wrote ${tree.files} files, ${tree.bytes} bytes of ${total.files}, ${total.bytes}`);
		}
		log(`tree: ${tree.files} files, ${mib(tree.bytes)} MiB, written in ${round((Date.now() - started) / 1000, 1)} s`);

		// The raw loop two ways, before and after the app's run: one file after another, and 16
		// files in flight (as many as one hasher worker of the app holds); the baseline is the
		// fastest of the four, the hardest bar. Both read a large file's six ranges at once.
		const rawRuns = [];
		let rawIds = {};
		const rawIdentify = async (when) => {
			for (const inFlight of [1, 16]) {
				const raw = await inWorker(page, rawSource, { root: ROOT, paths, inFlight, check });
				if (!raw.ok) throw new Error(`the raw loop failed: ${raw.error}`);
				if (raw.files !== total.files) throw new Error(`the raw loop read ${raw.files} of ${total.files} files`);
				if (raw.read !== total.read) throw new Error(`the raw loop read ${raw.read} bytes, not ${total.read}`);
				rawRuns.push(raw.ms);
				rawIds = raw.ids;
				log(
					`raw read + BLAKE3 ${when}, ${inFlight === 1 ? 'one file at a time' : `${inFlight} files in flight`}: ` +
						`${round(raw.ms / 1000, 2)} s = ${Math.round(raw.files / (raw.ms / 1000))} files/s`
				);
			}
		};
		await rawIdentify('before');

		const library = await page.evaluate(() => window.orrery.createLibrary({ name: 'bench' }));
		await heap.start();
		const indexJob = await page.evaluate(async (root) => {
			const handle = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
			await window.orrery.addLocation({ name: root, kind: 'fsa', handle });
			return (await window.orrery.listJobs())[0].id;
		}, ROOT);
		const index = await jobDone(page, indexJob);
		if (index.state !== 'done') throw new Error(`the index job ${index.state}: ${index.error?.message}`);
		const [location] = await page.evaluate(() => window.orrery.listLocations());
		if (location.totalFiles !== total.files) throw new Error(`indexed ${location.totalFiles} of ${total.files} files`);
		log(`index: ${location.totalFiles} files in ${round((index.finishedAt - index.startedAt) / 1000, 2)} s`);

		// The index job queues the identify job as it finishes.
		const identifyJob = await page.evaluate(async (locationId) => {
			for (;;) {
				const job = (await window.orrery.listJobs()).find((j) => j.kind === 'identify' && j.locationId === locationId);
				if (job) return job.id;
				await new Promise((r) => setTimeout(r, 50));
			}
		}, location.id);
		const identify = await jobDone(page, identifyJob);
		const peakMb = await heap.stop();
		if (identify.state !== 'done') throw new Error(`the identify job ${identify.state}: ${identify.error?.message}`);
		if (identify.problemCount > 0) {
			const problems = await page.evaluate((id) => window.orrery.jobProblems(id), identifyJob);
			for (const p of problems.slice(0, 5)) log(`problem: ${p.path}: ${p.code} ${p.message}`);
			throw new Error(`the identify job reported ${identify.problemCount} problems`);
		}
		if (identify.progress.written !== nonEmpty) {
			throw new Error(`the identify job gave ${identify.progress.written} of ${nonEmpty} files a content id`);
		}
		if (identify.progress.bytes !== total.bytes) {
			throw new Error(`the identify job went over ${identify.progress.bytes} of ${total.bytes} bytes`);
		}
		const identifyMs = identify.finishedAt - identify.startedAt;
		// `workers` is what ran, not what was asked for: the hasher workers among the browser's targets.
		const cdp = await env.browser.newBrowserCDPSession();
		const { targetInfos } = await cdp.send('Target.getTargets');
		await cdp.detach();
		const workers = targetInfos.filter((t) => t.type === 'worker' && /\/hasher\.worker[^/]*\.js$/.test(t.url)).length;
		if (workers !== HASHERS) throw new Error(`the pool ran ${workers} hasher workers, not the ${HASHERS} asked for`);

		// The raw loop has to have hashed the same bytes: its ids are the app's.
		const appIds = {};
		for (const dir of new Set(check.map((p) => p.slice(0, p.lastIndexOf('/'))))) {
			const rows = await page.evaluate(({ id, dir }) => window.orrery.listChildren(id, dir, { limit: 1000 }), {
				id: location.id,
				dir
			});
			for (const row of rows) appIds[`${dir}/${row.name}`] = row.casId;
		}
		const differ = check.filter((p) => appIds[p] !== rawIds[p]);
		if (differ.length > 0) {
			throw new Error(`${differ.length} of ${check.length} ids differ from the app's, e.g. ${differ[0]}`);
		}

		await rawIdentify('after');
		await inWorker(
			page,
			`self.onmessage = async ({ data }) => { await (await navigator.storage.getDirectory()).removeEntry(data, { recursive: true }); self.postMessage(0); }`,
			ROOT
		);
		await page.evaluate((id) => window.orrery.deleteLibrary(id), library.id);

		const filesPerS = total.files / (identifyMs / 1000);
		const rawPerS = total.files / (Math.min(...rawRuns) / 1000);
		const result = {
			bench: 'identify',
			files: total.files,
			files_per_s: Math.round(filesPerS),
			mb_per_s: round(total.bytes / MiB / (identifyMs / 1000), 1),
			raw_files_per_s: Math.round(rawPerS),
			ratio: round(filesPerS / rawPerS, 3),
			workers
		};
		log(
			`identify (${workers} hasher worker${workers === 1 ? '' : 's'}): ${total.files} files, ${mib(total.bytes)} MiB ` +
				`(${mib(total.read)} MiB read) in ${round(identifyMs / 1000, 2)} s = ${result.files_per_s} files/s, ` +
				`${result.mb_per_s} MiB/s of files (MiB = 2^20 bytes), ${round(total.read / MiB / (identifyMs / 1000), 1)} MiB/s read`
		);
		log(`raw limit: ${result.raw_files_per_s} files/s (ratio ${result.ratio}); ids checked: ${check.length}`);
		log(`peak JS heap over the page and its workers: ${round(peakMb, 1)} MiB`);
		return result;
	} finally {
		await heap.stop().catch(() => {});
		await env.close();
	}
}
