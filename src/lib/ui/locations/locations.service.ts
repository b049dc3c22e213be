import type { IndexerRules, LocationId, LocationSummary } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';
import { requestPersistence } from '../settings/storage.service';
import { locationsStore } from './locations.svelte';

/** Whether this browser can pick a folder (Chromium desktop, ChromeOS). */
export function canPickFolder(): boolean {
	return typeof (window as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

async function added(location: LocationSummary): Promise<void> {
	toasts.show('info', `“${location.name}” added. Indexing has started.`);
	// A location with data: ask the browser to keep it under storage pressure.
	await requestPersistence();
}

/** Asks for a folder with the native picker (a user gesture) and adds it as a location. */
export async function addPickedFolder(): Promise<void> {
	let handle: FileSystemDirectoryHandle;
	try {
		handle = await (
			window as unknown as { showDirectoryPicker(o: object): Promise<FileSystemDirectoryHandle> }
		).showDirectoryPicker({
			mode: 'read'
		});
	} catch (e) {
		if (e instanceof Error && e.name === 'AbortError') return;
		toasts.error(e, 'Choosing a folder');
		return;
	}
	try {
		const location = await coreStore.api.addLocation({
			name: handle.name,
			kind: 'fsa',
			handle,
			id: crypto.randomUUID() as LocationId
		});
		await added(location);
	} catch (e) {
		toasts.error(e, `Adding “${handle.name}”`);
	}
}

/** A new folder in Orrery's own storage on this device (for browsers without the picker). */
export async function addDeviceStorage(name: string): Promise<void> {
	try {
		const location = await coreStore.api.addLocation({ name, kind: 'opfs', id: crypto.randomUUID() as LocationId });
		await added(location);
	} catch (e) {
		toasts.error(e, 'Creating storage on this device');
	}
}

/**
 * A one-off import of a folder's files. Importing a folder of the same name again updates that
 * snapshot in place, matched by path, instead of adding a second copy.
 */
export async function importFolder(files: FileList): Promise<void> {
	const list = Array.from(files);
	if (list.length === 0) return;
	const first = list[0].webkitRelativePath;
	const name = first.includes('/') ? first.slice(0, first.indexOf('/')) : 'Imported folder';
	const snapshotFiles = list.map((file) => {
		const rel = file.webkitRelativePath || file.name;
		return { path: rel.includes('/') ? rel.slice(rel.indexOf('/') + 1) : rel, file };
	});
	const existing = locationsStore.locations.find((l) => l.kind === 'snapshot' && l.name === name);
	try {
		const location = await coreStore.api.addLocation({
			name,
			kind: 'snapshot',
			files: snapshotFiles,
			id: existing?.id ?? (crypto.randomUUID() as LocationId)
		});
		if (existing) toasts.show('info', `“${name}” imported again: its index is being updated.`);
		else await added(location);
	} catch (e) {
		toasts.error(e, `Importing “${name}”`);
	}
}

/** `full`: read every file again, trusting nothing the folder's watch reported. */
export async function rescan(location: LocationSummary, full = false): Promise<void> {
	try {
		await coreStore.api.rescanLocation(location.id, { full });
	} catch (e) {
		toasts.error(e, `Rescanning “${location.name}”`);
	}
}

/** The location's indexer rules, or null when they cannot be read (the toast says why). */
export async function loadRules(location: LocationSummary): Promise<IndexerRules | null> {
	try {
		return await coreStore.api.locationRules(location.id);
	} catch (e) {
		toasts.error(e, `Reading the rules of “${location.name}”`);
		return null;
	}
}

/** Saves a location's rules (the core rescans it when they changed); true when saved. */
export async function saveRules(location: LocationSummary, rules: IndexerRules): Promise<boolean> {
	try {
		const job = await coreStore.api.setLocationRules(location.id, rules);
		if (job) toasts.show('info', `Rules saved; “${location.name}” is being rescanned.`);
		else if (location.kind === 'snapshot')
			toasts.show('info', `Rules saved; they apply the next time “${location.name}” is imported.`);
		else toasts.show('info', 'Rules saved.');
		return true;
	} catch (e) {
		toasts.error(e, `Saving the rules of “${location.name}”`);
		return false;
	}
}

export async function removeLocation(location: LocationSummary): Promise<void> {
	try {
		await coreStore.api.removeLocation(location.id);
		toasts.show('info', `“${location.name}” removed from the library. Its files were not touched.`);
	} catch (e) {
		toasts.error(e, `Removing “${location.name}”`);
	}
}

/** Asks the browser for access again; only allowed inside a user gesture (a click). */
export async function grantAccess(location: LocationSummary): Promise<void> {
	try {
		const handle = await coreStore.api.locationHandle(location.id);
		const request = (
			handle as unknown as { requestPermission?: (d: { mode: string }) => Promise<PermissionState> } | null
		)?.requestPermission;
		const state = request ? await request.call(handle, { mode: 'read' }) : 'denied';
		if (state === 'granted') await coreStore.api.rescanLocation(location.id);
		else toasts.show('error', `Access to “${location.name}” was not granted, so it cannot be indexed.`);
		await locationsStore.refresh();
	} catch (e) {
		toasts.error(e, `Granting access to “${location.name}”`);
	}
}

/** A new folder in storage on this device; true when made. */
export async function newFolder(location: LocationSummary, dirPath: string, name: string): Promise<boolean> {
	try {
		const made = await coreStore.api.createFolder(location.id, dirPath, name);
		toasts.show('info', `Folder “${made}” created.`);
		return true;
	} catch (e) {
		toasts.error(e, `Creating the folder “${name}”`);
		return false;
	}
}

/** Copies picked files into storage on this device, saying what came in and what did not. */
export async function importFiles(location: LocationSummary, dirPath: string, files: FileList): Promise<void> {
	const list = Array.from(files);
	if (list.length === 0) return;
	try {
		const result = await coreStore.api.importFiles(location.id, dirPath, list);
		if (result.imported.length > 0) {
			const renamed = result.imported.filter((name, i) => name !== list[i]?.name).length;
			toasts.show(
				'info',
				`${result.imported.length} ${result.imported.length === 1 ? 'file' : 'files'} imported into “${location.name}”` +
					(renamed > 0 ? ` (${renamed} under a numbered name, as the name was taken).` : '.')
			);
		}
		for (const problem of result.problems)
			toasts.show('error', `“${problem.path}” was not imported: ${problem.message}`);
	} catch (e) {
		toasts.error(e, `Importing into “${location.name}”`);
	}
}
