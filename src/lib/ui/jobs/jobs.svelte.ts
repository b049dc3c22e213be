import type { JobSummary } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { throttle } from '../app/throttle';

/** The current library's jobs, re-read when the core says they changed (at most 4 times a second). */
class JobsStore {
	jobs = $state<JobSummary[]>([]);
	active = $derived(this.jobs.filter((j) => j.state === 'running' || j.state === 'queued'));
	#started = false;

	start(): void {
		if (this.#started) return;
		this.#started = true;
		coreStore.on(
			['job', 'library'],
			throttle(() => void this.refresh(), 250)
		);
		void this.refresh();
	}

	async refresh(): Promise<void> {
		try {
			this.jobs = await coreStore.api.listJobs();
		} catch {
			// No library open (or a broken one): nothing runs; the page says why elsewhere.
			this.jobs = [];
		}
	}
}

export const jobsStore = new JobsStore();
