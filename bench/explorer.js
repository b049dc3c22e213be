// bench explorer: a folder of 100,000 entries in the built app on OPFS (a real index of real
// files): the time from navigating to it (a double-click in the explorer) to its first rows
// painted, the frame times while scrolling through all of it, and thumbnails made per second
// for 12-megapixel JPEGs (the media job, with the app's own hasher pool unless
// ORRERY_BENCH_HASHERS sets its size).
import { buildAll, inWorker, median, openApp, openPersistent, round } from './browser.js';
import { MAKE_FILES } from './web/tree.js';

const ENTRIES = Number(process.env.ORRERY_BENCH_EXPLORER_ENTRIES ?? 100_000);
const PHOTOS = Number(process.env.ORRERY_BENCH_EXPLORER_PHOTOS ?? 48);
const HASHERS = process.env.ORRERY_BENCH_HASHERS ? Number(process.env.ORRERY_BENCH_HASHERS) : null;
const ROOT = 'bench-explorer';
/** Navigations timed; the median is reported. */
const NAVIGATIONS = 7;

/** Writes `count` distinct 4000 x 3000 JPEGs (12 MP) under ROOT/photos, drawn in a worker. */
const MAKE_PHOTOS = `
self.onmessage = async ({ data: { root, from, to } }) => {
	const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true }))
		.getDirectoryHandle('photos', { create: true });
	let bytes = 0;
	for (let i = from; i < to; i++) {
		const canvas = new OffscreenCanvas(4000, 3000);
		const g = canvas.getContext('2d');
		let x = (i + 1) * 2654435761 >>> 0;
		const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
		const gradient = g.createLinearGradient(0, 0, 4000, 3000);
		gradient.addColorStop(0, 'hsl(' + Math.floor(next() * 360) + ' 70% 45%)');
		gradient.addColorStop(1, 'hsl(' + Math.floor(next() * 360) + ' 70% 60%)');
		g.fillStyle = gradient;
		g.fillRect(0, 0, 4000, 3000);
		// Detail everywhere, as photos have: a JPEG of flat colour decodes unusually fast.
		for (let k = 0; k < 4000; k++) {
			g.fillStyle = 'hsl(' + Math.floor(next() * 360) + ' 60% ' + Math.floor(20 + next() * 60) + '%)';
			g.fillRect(next() * 4000, next() * 3000, 10 + next() * 120, 10 + next() * 120);
		}
		const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
		const handle = await (await dir.getFileHandle('photo ' + i + '.jpg', { create: true })).createSyncAccessHandle();
		handle.truncate(0);
		handle.write(new Uint8Array(await blob.arrayBuffer()), { at: 0 });
		handle.flush();
		handle.close();
		bytes += blob.size;
	}
	self.postMessage({ bytes });
};`;

/** p-th percentile of values. */
function percentile(values, p) {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export default async function benchExplorer({ log }) {
	buildAll(log);
	const env = await openPersistent();
	try {
		const { page } = await openApp(env.browser, `${env.appUrl}/${HASHERS ? `?hashers=${HASHERS}` : ''}`, env.context);
		page.on('crash', () => log('the tab crashed'));

		log(`writing ${ENTRIES.toLocaleString('en-US')} files into one folder and ${PHOTOS} 12-megapixel JPEGs…`);
		let started = Date.now();
		const files = Array.from({ length: ENTRIES }, (_, i) => ({
			path: `big/file ${i}.txt`,
			size: 64 + (i % 200),
			seed: i + 1
		}));
		// At most 20,000 files a worker: one worker making 100,000 took the tab down (bench index).
		for (let i = 0; i < files.length; i += 20_000) {
			await inWorker(page, MAKE_FILES, { root: ROOT, files: files.slice(i, i + 20_000), fresh: i === 0 });
		}
		let photoBytes = 0;
		for (let i = 0; i < PHOTOS; i += 8) {
			photoBytes += (await inWorker(page, MAKE_PHOTOS, { root: ROOT, from: i, to: Math.min(PHOTOS, i + 8) })).bytes;
		}
		log(
			`written in ${round((Date.now() - started) / 1000, 1)} s (photos: ${round(photoBytes / PHOTOS / 2 ** 20, 1)} MiB each)`
		);

		await page.evaluate(() => window.orrery.createLibrary({ name: 'bench' }));
		started = Date.now();
		const location = await page.evaluate(async (root) => {
			const handle = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
			return window.orrery.addLocation({ name: root, kind: 'fsa', handle });
		}, ROOT);
		// Index, content ids, then thumbnails: all done before anything is timed.
		let jobs;
		const deadline = Date.now() + 30 * 60_000;
		for (;;) {
			if (Date.now() > deadline) throw new Error('the jobs did not finish in 30 minutes');
			jobs = await page.evaluate(() => window.orrery.listJobs());
			const pending = jobs.filter((j) => !['done', 'failed', 'cancelled'].includes(j.state));
			if (pending.length === 0 && jobs.some((j) => j.kind === 'media')) break;
			await page.waitForTimeout(500);
		}
		const listed = jobs.map((j) => `${j.kind} ${j.progress.files}`).reverse();
		log(`indexed and identified in ${round((Date.now() - started) / 1000, 1)} s; jobs: ${listed.join(', ')}`);
		// A live update (the watch) can queue a second identify job and so a second media job:
		// the media jobs together must have read every photo.
		const mediaJobs = jobs.filter((j) => j.kind === 'media');
		const failed = mediaJobs.find((j) => j.state !== 'done' || j.problemCount > 0);
		if (failed)
			throw new Error(`a media job ${failed.state}, ${failed.problemCount} problems: ${failed.error?.message}`);
		// Random bytes can look like an image to magic numbers (a .txt beginning with "BM"): those
		// count as read too; every photo must have been.
		const read = mediaJobs.reduce((n, j) => n + j.progress.written, 0);
		if (read < PHOTOS) {
			const photos = await page.evaluate(
				(id) => window.orrery.browseFolder(id, 'photos', { limit: 1000 }),
				location.id
			);
			const missing = photos.entries.filter((e) => !e.thumb).map((e) => `${e.name} (${e.kind}, ${e.casId})`);
			throw new Error(`the media jobs read ${read} of ${PHOTOS} photos; without a thumbnail: ${missing.join(', ')}`);
		}
		const thumbed = mediaJobs.reduce((n, j) => n + j.progress.files, 0);
		const thumbSeconds = mediaJobs.reduce((n, j) => n + (j.finishedAt - j.startedAt), 0) / 1000;
		const thumbsPerS = thumbed / thumbSeconds;
		// The hasher workers that ran: the browser's worker targets.
		const cdp = await env.browser.newBrowserCDPSession();
		const { targetInfos } = await cdp.send('Target.getTargets');
		await cdp.detach();
		const workers = targetInfos.filter((t) => t.type === 'worker' && /\/hasher\.worker[^/]*\.js$/.test(t.url)).length;
		log(
			`thumbnails: ${thumbed} (${PHOTOS} of 12 MP) in ${round(thumbSeconds, 2)} s = ${round(thumbsPerS, 1)}/s ` +
				`(${workers} hasher worker${workers === 1 ? '' : 's'})`
		);

		// In the explorer: the location's root in the list view, then into the big folder.
		const rootUrl = `${env.appUrl}/locations/${location.id}`;
		await page.goto(rootUrl);
		await page.getByTestId('view-list').click();
		await page.locator('[data-testid=folder-entry][data-name="big"]').waitFor();
		const navigations = [];
		for (let i = 0; i < NAVIGATIONS; i++) {
			const ms = await page.evaluate(
				() =>
					new Promise((resolve) => {
						const start = performance.now();
						const folder = document.querySelector('[data-testid=folder-entry][data-name="big"]');
						folder.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
						// Painted: the frame after the rows are in the document.
						const check = () => {
							if (document.querySelector('[data-testid=folder-entry][data-name^="file "]')) {
								requestAnimationFrame(() => resolve(performance.now() - start));
							} else requestAnimationFrame(check);
						};
						check();
					})
			);
			navigations.push(ms);
			const status = await page.getByTestId('folder-status').textContent();
			if (!status.includes(ENTRIES.toLocaleString('en-US'))) throw new Error(`the folder shows “${status}”`);
			await page.goBack();
			await page.locator('[data-testid=folder-entry][data-name="big"]').waitFor();
		}
		const firstPaint = median(navigations);
		log(
			`navigation to first rows painted: median ${round(firstPaint)} ms of ${navigations.map((n) => round(n)).join(', ')}`
		);

		// A cold start straight into the folder (page load, core worker, SQLite), for reference.
		await page.goto(`${rootUrl}?path=big`);
		await page.locator('[data-testid=folder-entry][data-name^="file "]').first().waitFor();
		const cold = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.duration ?? 0);
		const coldRows = await page.evaluate(
			() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())))
		);
		log(
			`cold load into the folder: rows by ${round(coldRows)} ms after navigation start (document loaded at ${round(cold)} ms)`
		);

		// Scroll through all of it, 2,000 px a frame (a fast fling), recording every frame.
		const scroll = await page.evaluate(
			() =>
				new Promise((resolve) => {
					const el = document.querySelector('[data-testid=explorer-scroller]');
					const frames = [];
					let blank = 0;
					let last = performance.now();
					const step = (t) => {
						frames.push(t - last);
						last = t;
						if (document.querySelector('[data-testid=entry-loading]')) blank++;
						if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
							resolve({ frames: frames.slice(1), blank, height: el.scrollHeight });
							return;
						}
						el.scrollTop += 2000;
						requestAnimationFrame(step);
					};
					requestAnimationFrame(step);
				})
		);
		const p95 = percentile(scroll.frames, 95);
		log(
			`scrolled ${round(scroll.height / 1e6, 2)} M px in ${scroll.frames.length} frames: ` +
				`p50 ${round(percentile(scroll.frames, 50))} ms, p95 ${round(p95)} ms, max ${round(Math.max(...scroll.frames))} ms; ` +
				`${scroll.blank} frames showed rows still loading`
		);

		await inWorker(
			page,
			`self.onmessage = async ({ data }) => { await (await navigator.storage.getDirectory()).removeEntry(data, { recursive: true }); self.postMessage(0); }`,
			ROOT
		);
		return {
			bench: 'explorer',
			entries: ENTRIES,
			first_paint_ms: round(firstPaint),
			scroll_p95_frame_ms: round(p95),
			thumbs_per_s: round(thumbsPerS, 1)
		};
	} finally {
		await env.close();
	}
}
