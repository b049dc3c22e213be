import type { LibrarySummary, NodeSettings } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';

/** The libraries list and node settings, kept fresh by change events. */
class LibraryStore {
	libraries = $state<LibrarySummary[]>([]);
	settings = $state<NodeSettings | null>(null);
	loaded = $state(false);
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
			this.loaded = true;
		} catch (e) {
			toasts.error(e, 'Loading your libraries');
		}
	}
}

export const libraryStore = new LibraryStore();
