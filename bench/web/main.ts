// Entry of the bench-only page: runs the raw baselines in workers of their own.
type RawResult = { rows: number; ms: number };

declare global {
	interface Window {
		rawInsert(dirs: number, perDir: number, extra?: object): Promise<RawResult>;
	}
}

window.rawInsert = (dirs, perDir, extra = {}) =>
	new Promise<RawResult>((resolve, reject) => {
		const worker = new Worker(new URL('./raw.worker.ts', import.meta.url), { type: 'module' });
		worker.onmessage = (e: MessageEvent<{ ok: boolean; rows: number; ms: number; error?: string }>) => {
			worker.terminate();
			if (e.data.ok) resolve({ rows: e.data.rows, ms: e.data.ms });
			else reject(new Error(e.data.error));
		};
		worker.postMessage({ dirs, perDir, ...extra });
	});
