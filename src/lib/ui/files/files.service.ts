import { toVdfsError, type FileRef, type JobAnswer, type JobId, type LocationId, type TrashId } from '$lib/vdfs/api';
import { coreStore } from '../app/core.svelte';
import { toasts } from '../app/toasts.svelte';
import { fileClipboard } from './files.svelte';

/**
 * File operations from the explorer: each calls the core, says what happened, offers Undo where
 * the core can reverse it, and reports a failure with the core's specific reason.
 */

function count(items: readonly unknown[]): string {
	return items.length === 1 ? '1 item' : `${items.length} items`;
}

/** An info toast with an Undo button for what the core just recorded. */
async function offerUndo(message: string): Promise<void> {
	const undo = await coreStore.api.lastUndo().catch(() => null);
	toasts.show('info', message, undo ? { label: 'Undo', run: () => void undoLast() } : undefined);
}

export function copyToClipboard(items: FileRef[], mode: 'copy' | 'cut'): void {
	if (items.length === 0) return;
	fileClipboard.put(items, mode);
	toasts.show('info', `${mode === 'cut' ? 'Cut' : 'Copied'} ${count(items)}: paste them into a folder.`);
}

/** Pastes what Copy or Cut put aside into a folder: a copy or move job. */
export async function paste(to: FileRef): Promise<JobId | null> {
	const { mode } = fileClipboard;
	const items = fileClipboard.snapshot();
	if (items.length === 0) return null;
	try {
		const job =
			mode === 'cut' ? await coreStore.api.moveEntries({ items, to }) : await coreStore.api.copyEntries({ items, to });
		if (mode === 'cut') fileClipboard.clear();
		toasts.show('info', `${mode === 'cut' ? 'Moving' : 'Copying'} ${count(items)}…`);
		return job;
	} catch (e) {
		toasts.error(e, mode === 'cut' ? 'Moving' : 'Copying');
		return null;
	}
}

export async function transfer(items: FileRef[], to: FileRef, mode: 'copy' | 'move'): Promise<void> {
	try {
		if (mode === 'move') await coreStore.api.moveEntries({ items, to });
		else await coreStore.api.copyEntries({ items, to });
	} catch (e) {
		toasts.error(e, mode === 'move' ? 'Moving' : 'Copying');
	}
}

export async function duplicate(items: FileRef[]): Promise<void> {
	try {
		await coreStore.api.duplicateEntries(items);
	} catch (e) {
		toasts.error(e, 'Duplicating');
	}
}

/** Asks the browser (on the user's click) to let Orrery change files in a picked folder. */
async function requestWrite(location: LocationId): Promise<boolean> {
	const handle = await coreStore.api.locationHandle(location);
	const request = (
		handle as unknown as { requestPermission?: (d: { mode: string }) => Promise<PermissionState> } | null
	)?.requestPermission;
	return (request ? await request.call(handle, { mode: 'readwrite' }) : 'denied') === 'granted';
}

/**
 * A failure, said; where it is a picked folder Orrery may only read so far, with an "Allow
 * changes" button that asks the browser and then tries again.
 */
function failed(e: unknown, doing: string, location: LocationId, retry: () => Promise<unknown>): void {
	const err = toVdfsError(e);
	if (err.code === 'PermissionLost' && err.detail?.access === 'readwrite') {
		toasts.show('error', err.message, {
			label: 'Allow changes',
			run: () =>
				void requestWrite(location).then(
					(granted) => (granted ? retry() : toasts.show('error', 'Permission to change files there was not granted.')),
					(x: unknown) => toasts.error(x, 'Allowing changes')
				)
		});
		return;
	}
	toasts.error(e, doing);
}

export async function rename(ref: FileRef, name: string): Promise<FileRef | null> {
	try {
		const { to, job } = await coreStore.api.renameEntry(ref, name);
		// A folder is renamed by a job (its files moved one by one): Undo comes when it is done.
		if (job) toasts.show('info', `Renaming to “${name.trim()}”…`);
		else await offerUndo(`Renamed to “${name.trim()}”.`);
		return to;
	} catch (e) {
		failed(e, 'Renaming', ref.location, () => rename(ref, name));
		return null;
	}
}

export async function createFolder(location: LocationId, dirPath: string, name: string): Promise<string | null> {
	try {
		const made = await coreStore.api.createFolder(location, dirPath, name);
		await offerUndo(`Folder “${made}” created.`);
		return made;
	} catch (e) {
		failed(e, `Creating the folder “${name}”`, location, () => createFolder(location, dirPath, name));
		return null;
	}
}

export async function moveToTrash(items: FileRef[]): Promise<void> {
	try {
		await coreStore.api.trashEntries(items);
		// No Undo button here: until the job is done, Undo would reverse the action before it.
		toasts.show('info', `Moving ${count(items)} to the trash… (Ctrl+Z undoes it once done.)`);
	} catch (e) {
		toasts.error(e, 'Moving to the trash');
	}
}

/** Deletes for good, after the user confirmed. */
export async function deleteForGood(items: FileRef[]): Promise<void> {
	const names = items.map((i) => i.path.slice(i.path.lastIndexOf('/') + 1));
	const what = names.length === 1 ? `“${names[0]}”` : `${names.length} items`;
	if (!confirm(`Delete ${what} permanently? This cannot be undone.`)) return;
	try {
		await coreStore.api.deleteEntries(items);
	} catch (e) {
		toasts.error(e, 'Deleting');
	}
}

export async function restore(ids: TrashId[]): Promise<void> {
	try {
		await coreStore.api.restoreTrash(ids);
		toasts.show('info', `Restoring ${count(ids)}…`);
	} catch (e) {
		toasts.error(e, 'Restoring');
	}
}

export async function emptyTrash(location?: LocationId): Promise<void> {
	if (!confirm('Delete everything in the trash permanently? This cannot be undone.')) return;
	try {
		await coreStore.api.emptyTrash(location);
	} catch (e) {
		toasts.error(e, 'Emptying the trash');
	}
}

export async function undoLast(): Promise<void> {
	try {
		const { label } = await coreStore.api.undo();
		toasts.show('info', `${label.replace(/^Undo /, 'Undid ')}.`);
	} catch (e) {
		toasts.error(e, 'Undo');
	}
}

export async function answer(job: JobId, reply: JobAnswer): Promise<void> {
	try {
		await coreStore.api.answerJob(job, reply);
	} catch (e) {
		toasts.error(e, 'Answering');
	}
}

/** Lets a job waiting on write permission go on, once the browser grants it (on the user's click). */
export async function allowChanges(job: JobId, location: LocationId): Promise<void> {
	try {
		if (await requestWrite(location)) await coreStore.api.answerJob(job, { choice: 'retry' });
		else toasts.show('error', 'Permission to change files there was not granted; the job waits.');
	} catch (e) {
		toasts.error(e, 'Allowing changes');
	}
}
