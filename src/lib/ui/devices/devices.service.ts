import type { DeviceSummary } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';
import { peersStore } from './peers.svelte';

export async function listDevices(): Promise<DeviceSummary[]> {
	try {
		return await coreStore.api.listDevices();
	} catch (e) {
		toasts.error(e, 'Listing devices');
		return [];
	}
}

export async function removeDevice(device: DeviceSummary): Promise<void> {
	try {
		await (await peersStore.api).removeDevice(device.id);
		toasts.show('info', `${device.name} was removed: it can no longer reach this library.`);
	} catch (e) {
		toasts.error(e, `Removing ${device.name}`);
	}
}

/** "2 minutes ago", for a device's last contact. */
export function ago(ms: number | null, now = Date.now()): string {
	if (ms === null) return 'never';
	const s = Math.max(0, Math.round((now - ms) / 1000));
	if (s < 10) return 'just now';
	if (s < 60) return `${s} s ago`;
	const m = Math.round(s / 60);
	if (m < 60) return `${m} min ago`;
	const h = Math.round(m / 60);
	if (h < 48) return `${h} h ago`;
	return new Date(ms).toLocaleDateString();
}
