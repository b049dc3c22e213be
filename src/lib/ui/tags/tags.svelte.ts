import type { SavedSearch, Tag } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { throttle } from '../app/throttle';

/** The library's tags and saved searches, for the sidebar, pickers and filters. */
class OrganizeStore {
	tags = $state<Tag[]>([]);
	saved = $state<SavedSearch[]>([]);
	#started = false;

	start(): void {
		if (this.#started) return;
		this.#started = true;
		// Counts change as files come and go; names and colours as tags change.
		coreStore.on(['tag', 'library'], () => void this.refreshTags());
		coreStore.on(
			['entry'],
			throttle(() => void this.refreshTags(), 2000)
		);
		coreStore.on(['saved-search', 'library'], () => void this.refreshSaved());
		void this.refreshTags();
		void this.refreshSaved();
	}

	/** A tag's depth in the tree (0 at the top), for indenting. */
	depth(tag: Tag): number {
		let depth = 0;
		for (let up = tag.parent; up && depth < 32; depth++) up = this.tags.find((t) => t.id === up)?.parent ?? null;
		return depth;
	}

	async refreshTags(): Promise<void> {
		try {
			this.tags = await coreStore.api.listTags();
		} catch {
			this.tags = [];
		}
	}

	async refreshSaved(): Promise<void> {
		try {
			this.saved = await coreStore.api.savedSearches();
		} catch {
			this.saved = [];
		}
	}
}

export const organize = new OrganizeStore();
