import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';

export interface StorageState {
	usage: number;
	quota: number;
	persisted: boolean;
}

/** Usage and quota of the whole origin (libraries, set-aside files, caches). */
export async function storageState(): Promise<StorageState | null> {
	if (!navigator.storage?.estimate) return null;
	try {
		const [estimate, persisted] = await Promise.all([
			navigator.storage.estimate(),
			navigator.storage.persisted?.() ?? false
		]);
		return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
	} catch {
		// Shown as "this browser does not report storage use".
		return null;
	}
}

/** Asks the browser to keep our data under storage pressure; false where it declines. */
export async function requestPersistence(): Promise<boolean> {
	try {
		return (await navigator.storage?.persist?.()) ?? false;
	} catch {
		return false;
	}
}

export function formatBytes(n: number): string {
	if (n < 1024) return `${n} B`;
	const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
	let v = n / 1024;
	let i = 0;
	while (v >= 1024 && i < units.length - 1) {
		v /= 1024;
		i++;
	}
	return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export async function saveDeviceName(name: string): Promise<boolean> {
	try {
		await coreStore.api.setDeviceName(name);
		toasts.show('info', 'Device name saved.');
		return true;
	} catch (e) {
		toasts.error(e, 'Saving the device name');
		return false;
	}
}
