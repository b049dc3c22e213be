export interface StorageState {
	usage: number;
	quota: number;
	persisted: boolean;
}

/** Usage and quota of the whole origin (libraries, set-aside files, caches). */
export async function storageState(): Promise<StorageState | null> {
	if (!navigator.storage?.estimate) return null;
	const [estimate, persisted] = await Promise.all([
		navigator.storage.estimate(),
		navigator.storage.persisted?.() ?? false
	]);
	return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
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
