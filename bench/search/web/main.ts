// The page of the search bench's baseline: runs the LIKE scans in a worker of its own.
import type { LikeRequest, LikeResult } from './like.worker';

declare global {
	interface Window {
		likeScan(request: LikeRequest): Promise<LikeResult>;
	}
}

/**
 * Longest a stage of the worker may take before it is taken for dead: a worker killed for its
 * memory posts nothing and fires no error. Its longest stage, 150 count scans of ~0.1–0.2 s, takes
 * well under this.
 */
const QUIET_MS = 180_000;

type Message = { ok: true; result: LikeResult } | { ok: false; error: string } | { stage: string };

window.likeScan = (request) =>
	new Promise<LikeResult>((resolve, reject) => {
		const worker = new Worker(new URL('./like.worker.ts', import.meta.url), { type: 'module' });
		const since = performance.now();
		let stage = 'starting';
		let heard = since;
		// Checked often, so a page that stops reporting is itself stuck, not only its worker.
		const watch = window.setInterval(() => {
			const now = performance.now();
			console.log(`LIKE page: ${Math.round((now - since) / 1000)} s in, at “${stage}”`);
			if (now - heard > QUIET_MS) fail(`nothing from it for ${QUIET_MS / 1000} s after “${stage}” (out of memory?)`);
		}, 30_000);
		const fail = (why: string) => {
			window.clearInterval(watch);
			worker.terminate();
			reject(new Error(`the LIKE worker failed: ${why}`));
		};
		worker.onmessage = (e: MessageEvent<Message>) => {
			heard = performance.now();
			if ('stage' in e.data) {
				stage = e.data.stage;
				console.log(`LIKE worker: ${stage}`);
				return;
			}
			// Not terminated: the runner closes the browser (see like.worker.ts).
			window.clearInterval(watch);
			if (e.data.ok) resolve(e.data.result);
			else reject(new Error(e.data.error));
		};
		worker.onerror = (e) => fail(e.message || 'it stopped');
		worker.postMessage(request);
	});
