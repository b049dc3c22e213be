/**
 * Runs `fn` at most once per `ms`, always including a last run after the final call, so a view
 * that re-queries on change events stays current without re-querying for every batch of a job.
 * `ms` may be a function, asked each time (a gap that grows with what the query costs).
 */
export function throttle(fn: () => void, ms: number | (() => number)): () => void {
	let timer: ReturnType<typeof setTimeout> | null = null;
	let last = 0;
	return () => {
		if (timer) return;
		const wait = Math.max(0, last + (typeof ms === 'number' ? ms : ms()) - Date.now());
		timer = setTimeout(() => {
			timer = null;
			last = Date.now();
			fn();
		}, wait);
	};
}
