// The page of the search bench's baseline: runs the LIKE scans in a worker of its own.
import type { LikeRequest, LikeResult } from './like.worker';

declare global {
	interface Window {
		likeScan(request: LikeRequest): Promise<LikeResult>;
	}
}

window.likeScan = (request) =>
	new Promise<LikeResult>((resolve, reject) => {
		const worker = new Worker(new URL('./like.worker.ts', import.meta.url), { type: 'module' });
		worker.onmessage = (e: MessageEvent<{ ok: true; result: LikeResult } | { ok: false; error: string }>) => {
			worker.terminate();
			if (e.data.ok) resolve(e.data.result);
			else reject(new Error(e.data.error));
		};
		// A worker that dies (out of memory) posts nothing: say so instead of waiting forever.
		worker.onerror = (e) => {
			worker.terminate();
			reject(new Error(`the LIKE worker failed: ${e.message || 'it stopped'}`));
		};
		worker.postMessage(request);
	});
