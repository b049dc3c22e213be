import type { LibrarySummary, NodeSettings, VdfsError } from '$lib/vdfs/api';
import { toVdfsError } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';

/** The libraries list and node settings, kept fresh by change events. */
class LibraryStore {
	libraries = $state<LibrarySummary[]>([]);
	settings = $state<NodeSettings | null>(null);
	loaded = $state(false);
	/** Why the last load failed; the page shows it with a way to retry. */
	error = $state<VdfsError | null>(null);
	current = $derived(this.libraries.find((l) => l.current) ?? null);
	#started = false;

	start(): void {
		if (this.#started) return;
		this.#started = true;
		coreStore.on(['library', 'settings'], () => void this.refresh());
		void this.refresh();
	}

	async refresh(): Promise<void> {
		try {
			const [libraries, settings] = await Promise.all([coreStore.api.listLibraries(), coreStore.api.settings()]);
			this.libraries = libraries;
			this.settings = settings;
			this.error = null;
			this.loaded = true;
		} catch (e) {
			this.error = toVdfsError(e);
		}
	}
}

export const libraryStore = new LibraryStore();
