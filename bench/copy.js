// bench copy: copy 1 GiB (ten 100 MiB files and 1,000 small files of 1–64 KiB) between two OPFS
// folders added as locations, through the app (a copy job: streamed, written under working
// names, renamed, indexed with the content ids carried over), and in the same run the bare
// API's stream copy of the same files (getFile().stream().pipeTo(createWritable()), one file
// after another, as the job does). The raw copy runs before and after the app's; the faster is
// the bar. mb_per_s counts MiB (2^20 bytes) of files copied per second of the job's run.
import { buildAll, inWorker, jobDone, openApp, openPersistent, round } from './browser.js';
import { MAKE_FILES } from './web/tree.js';

const LARGE = Number(process.env.ORRERY_BENCH_COPY_LARGE ?? 10);
const SMALL = Number(process.env.ORRERY_BENCH_COPY_SMALL ?? 1000);
const SRC = 'bench-copy-src';
const DST = 'bench-copy-dst';
const RAW = 'bench-copy-raw';
const KiB = 1024;
const MiB = 1024 * 1024;

function prng(seed) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

function treeFiles() {
	const random = prng(1_000);
	const files = [];
	for (let i = 0; i < LARGE; i++) files.push({ path: `large/file ${i}.bin`, size: 100 * MiB, seed: i + 1 });
	for (let i = 0; i < SMALL; i++) {
		const dir = `small/folder ${String(Math.floor(i / 100)).padStart(2, '0')}`;
		files.push({ path: `${dir}/file ${i}.bin`, size: KiB + Math.floor(random() * 63 * KiB), seed: 1_000 + i });
	}
	return files;
}

/** The bare API's copy, in a worker of the app's origin: file after file, streamed. */
const RAW_COPY = `
self.onmessage = async ({ data: { src, dst, paths } }) => {
	const opfs = await navigator.storage.getDirectory();
	await opfs.removeEntry(dst, { recursive: true }).catch(() => {});
	const from = await opfs.getDirectoryHandle(src);
	const to = await opfs.getDirectoryHandle(dst, { create: true });
	const dirs = new Map();
	const dirOf = (root, path, create) => {
		const key = (create ? 'w:' : 'r:') + path;
		let dir = dirs.get(key);
		if (!dir) {
			const slash = path.lastIndexOf('/');
			dir = (slash < 0 ? Promise.resolve(root) : dirOf(root, path.slice(0, slash), create)).then((parent) =>
				slash < 0 && path === '' ? parent : parent.getDirectoryHandle(path.slice(slash + 1), { create }));
			dirs.set(key, dir);
		}
		return dir;
	};
	const fileOf = async (root, path, create) => {
		const slash = path.lastIndexOf('/');
		const dir = slash < 0 ? root : await dirOf(root, path.slice(0, slash), create);
		return dir.getFileHandle(path.slice(slash + 1), { create });
	};
	const started = performance.now();
	let bytes = 0;
	for (const path of paths) {
		const file = await (await fileOf(from, path, false)).getFile();
		const writable = await (await fileOf(to, path, true)).createWritable();
		await file.stream().pipeTo(writable);
		bytes += file.size;
	}
	const ms = performance.now() - started;
	await opfs.removeEntry(dst, { recursive: true });
	self.postMessage({ ms, bytes, files: paths.length });
};`;

export default async function benchCopy({ log }) {
	buildAll(log);
	const files = treeFiles();
	const total = files.reduce((t, f) => ({ files: t.files + 1, bytes: t.bytes + f.size }), { files: 0, bytes: 0 });
	const env = await openPersistent();
	try {
		const { page } = await openApp(env.browser, env.appUrl, env.context);
		page.on('crash', () => log('the tab crashed'));
		log(`writing ${LARGE} files of 100 MiB and ${SMALL} of 1–64 KiB (${round(total.bytes / MiB, 1)} MiB) to OPFS…`);
		for (let i = 0; i < files.length; i += 500) {
			await inWorker(page, MAKE_FILES, { root: SRC, files: files.slice(i, i + 500), fresh: i === 0 });
		}
		await page.evaluate(async (dst) => {
			const opfs = await navigator.storage.getDirectory();
			await opfs.removeEntry(dst, { recursive: true }).catch(() => {});
			await opfs.getDirectoryHandle(dst, { create: true });
		}, DST);

		const raws = [];
		const raw = async (when) => {
			const r = await inWorker(page, RAW_COPY, { src: SRC, dst: RAW, paths: files.map((f) => f.path) });
			if (r.bytes !== total.bytes) throw new Error(`the raw copy wrote ${r.bytes} of ${total.bytes} bytes`);
			raws.push(r.ms);
			log(`raw stream copy ${when}: ${round(r.ms / 1000, 2)} s = ${round(total.bytes / MiB / (r.ms / 1000), 1)} MiB/s`);
		};
		await raw('before');

		await page.evaluate(() => window.orrery.createLibrary({ name: 'bench' }));
		const ids = await page.evaluate(
			async ({ src, dst }) => {
				const opfs = await navigator.storage.getDirectory();
				const a = await window.orrery.addLocation({
					name: src,
					kind: 'fsa',
					handle: await opfs.getDirectoryHandle(src)
				});
				const b = await window.orrery.addLocation({
					name: dst,
					kind: 'fsa',
					handle: await opfs.getDirectoryHandle(dst)
				});
				return { src: a.id, dst: b.id };
			},
			{ src: SRC, dst: DST }
		);
		// Indexed and identified first: the copy carries content ids over.
		await page.evaluate(async () => {
			for (;;) {
				const jobs = await window.orrery.listJobs();
				if (jobs.some((j) => j.kind === 'identify') && jobs.every((j) => j.state === 'done')) return;
				await new Promise((r) => setTimeout(r, 250));
			}
		});
		const job = await page.evaluate(
			({ src, dst }) =>
				window.orrery.copyEntries({
					items: [
						{ location: src, path: 'large' },
						{ location: src, path: 'small' }
					],
					to: { location: dst, path: '' }
				}),
			ids
		);
		const done = await jobDone(page, job);
		if (done.state !== 'done') throw new Error(`the copy job ${done.state}: ${done.error?.message}`);
		if (done.progress.bytes !== total.bytes || done.progress.files !== total.files) {
			throw new Error(`the copy job copied ${done.progress.files} files, ${done.progress.bytes} bytes`);
		}
		const appMs = done.finishedAt - done.startedAt;
		log(`app copy job: ${round(appMs / 1000, 2)} s = ${round(total.bytes / MiB / (appMs / 1000), 1)} MiB/s`);
		const [dst] = (await page.evaluate(() => window.orrery.listLocations())).filter((l) => l.id === ids.dst);
		if (dst.totalFiles !== total.files || dst.totalBytes !== total.bytes) {
			throw new Error(`the target's index has ${dst.totalFiles} files, ${dst.totalBytes} bytes`);
		}
		const missing = await page.evaluate(
			async ({ dst }) => {
				const rows = await window.orrery.listChildren(dst, 'large');
				return rows.filter((r) => !r.casId).length;
			},
			{ dst: ids.dst }
		);
		if (missing > 0) throw new Error(`${missing} copied large files have no content id`);

		await raw('after');
		const rawMs = Math.min(...raws);
		const result = {
			bench: 'copy',
			mb_per_s: round(total.bytes / MiB / (appMs / 1000), 1),
			raw_mb_per_s: round(total.bytes / MiB / (rawMs / 1000), 1),
			ratio: round(rawMs / appMs, 3)
		};
		log(
			`${total.files} files, ${round(total.bytes / MiB, 1)} MiB: app ${result.mb_per_s} MiB/s, raw ${result.raw_mb_per_s} MiB/s, ratio ${result.ratio}`
		);
		return result;
	} finally {
		await env.close();
	}
}
