import type { LibraryId, LibraryStats, LibrarySummary } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';
import { requestPersistence } from '../settings/storage.service';
import { libraryStore } from './library.svelte';

/** Library actions: call the core, tell the user what failed; views refresh on change events. */

export async function createLibrary(name: string): Promise<LibrarySummary | undefined> {
	try {
		const first = libraryStore.libraries.length === 0;
		// A caller-made id makes a resent request (tab hand-over) create one library, not two.
		const lib = await coreStore.api.createLibrary({ name, id: crypto.randomUUID() as LibraryId });
		// The first library is when the user starts trusting us with data: ask the browser not
		// to evict it under storage pressure.
		if (first) void requestPersistence();
		toasts.show('info', `Library “${lib.name}” created.`);
		return lib;
	} catch (e) {
		toasts.error(e, 'Creating the library');
	}
}

export async function renameLibrary(id: LibraryId, name: string): Promise<boolean> {
	try {
		await coreStore.api.renameLibrary(id, name);
		return true;
	} catch (e) {
		toasts.error(e, 'Renaming the library');
		return false;
	}
}

export async function deleteLibrary(lib: LibrarySummary): Promise<void> {
	try {
		await coreStore.api.deleteLibrary(lib.id);
		toasts.show('info', `Library “${lib.name}” deleted.`);
	} catch (e) {
		toasts.error(e, 'Deleting the library');
	}
}

export async function switchLibrary(id: LibraryId): Promise<void> {
	try {
		await coreStore.api.switchLibrary(id);
	} catch (e) {
		toasts.error(e, 'Opening the library');
	}
}

export async function exportLibrary(lib: LibrarySummary): Promise<void> {
	try {
		const bytes = await coreStore.api.exportLibrary(lib.id);
		download(bytes, `${lib.name.replace(/[^\p{L}\p{N} _-]+/gu, '_')}.orrery-library.sqlite3`);
	} catch (e) {
		toasts.error(e, 'Backing up the library');
	}
}

export async function importLibrary(file: File): Promise<void> {
	try {
		const bytes = new Uint8Array(await file.arrayBuffer());
		const name = file.name.replace(/\.orrery-library\.sqlite3$|\.sqlite3?$|\.db$/i, '') || 'Imported library';
		const lib = await coreStore.api.importLibrary(bytes, name);
		if (lib.state === 'ok') toasts.show('info', `Library “${lib.name}” restored from the backup.`);
	} catch (e) {
		toasts.error(e, 'Restoring the library');
	}
}

export async function setAsideLibrary(lib: LibrarySummary): Promise<void> {
	try {
		const { keptAs } = await coreStore.api.setAsideLibrary(lib.id);
		toasts.show('info', `The damaged file was kept as “${keptAs}” (Settings → Storage). “${lib.name}” starts fresh.`);
	} catch (e) {
		toasts.error(e, 'Setting the damaged library aside');
	}
}

export async function downloadSetAside(name: string): Promise<void> {
	try {
		download(await coreStore.api.readSetAside(name), name);
	} catch (e) {
		toasts.error(e, 'Downloading the kept file');
	}
}

function download(bytes: Uint8Array, filename: string): void {
	const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/vnd.sqlite3' }));
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Library totals for the overview; undefined (and a message) when they cannot be read. */
export async function loadLibraryStats(): Promise<LibraryStats | undefined> {
	try {
		return await coreStore.api.libraryStats();
	} catch (e) {
		toasts.error(e, 'Reading the library totals');
	}
}

export async function listSetAside(): Promise<string[]> {
	try {
		return await coreStore.api.listSetAside();
	} catch (e) {
		toasts.error(e, 'Listing set-aside files');
		return [];
	}
}
