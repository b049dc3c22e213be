import type { LibraryStatistics } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';

/** The library's statistics (kept by the core as the index changes); undefined when unreadable. */
export async function loadStatistics(): Promise<LibraryStatistics | undefined> {
	try {
		return await coreStore.api.libraryStatistics();
	} catch (e) {
		toasts.error(e, 'Reading statistics');
	}
}
