import type { LocationId, LocationSummary } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { throttle } from '../app/throttle';

/** The open library's locations, with whether each picked folder still has permission. */
class LocationsStore {
	locations = $state<LocationSummary[]>([]);
	permissions = $state<Record<LocationId, 'granted' | 'prompt' | 'denied'>>({});
	#started = false;

	start(): void {
		if (this.#started) return;
		this.#started = true;
		coreStore.on(
			['location', 'library', 'entry'],
			throttle(() => void this.refresh(), 500)
		);
		void this.refresh();
	}

	async refresh(): Promise<void> {
		try {
			const locations = await coreStore.api.listLocations();
			const permissions: Record<LocationId, 'granted' | 'prompt' | 'denied'> = {};
			await Promise.all(
				locations
					.filter((l) => l.kind === 'fsa')
					.map(async (l) => {
						permissions[l.id] = await coreStore.api.locationPermission(l.id).catch(() => 'denied' as const);
					})
			);
			this.locations = locations;
			this.permissions = permissions;
		} catch {
			this.locations = [];
		}
	}
}

export const locationsStore = new LocationsStore();
