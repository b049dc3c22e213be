import type { EntryId, FileRef } from '$lib/vdfs/api';

/** Items dragged out of a view (onto a sidebar tag), as a type of our own. */
export const ENTRIES_TYPE = 'application/x-orrery-entries';
/** The same items by location and path (onto a folder or a location: a move or a copy). */
export const FILES_TYPE = 'application/x-orrery-files';

export function dragEntries(event: DragEvent, ids: EntryId[], refs: FileRef[] = []): void {
	if (!event.dataTransfer || (ids.length === 0 && refs.length === 0)) return;
	if (ids.length > 0) event.dataTransfer.setData(ENTRIES_TYPE, JSON.stringify(ids));
	if (refs.length > 0) event.dataTransfer.setData(FILES_TYPE, JSON.stringify(refs));
	event.dataTransfer.effectAllowed = 'all';
}

/** The files a drop carries, if it is ours. */
export function droppedFiles(event: DragEvent): FileRef[] | null {
	const raw = event.dataTransfer?.getData(FILES_TYPE);
	if (!raw) return null;
	try {
		const refs = JSON.parse(raw) as unknown;
		const ok =
			Array.isArray(refs) &&
			refs.every(
				(r) => typeof r === 'object' && r !== null && typeof r.location === 'string' && typeof r.path === 'string'
			);
		return ok ? (refs as FileRef[]) : null;
	} catch {
		return null;
	}
}

export function carriesFiles(event: DragEvent): boolean {
	return event.dataTransfer?.types.includes(FILES_TYPE) ?? false;
}

/** A drop copies with Ctrl (Alt on a Mac) held, and moves otherwise. */
export function dropMode(event: DragEvent): 'copy' | 'move' {
	return event.ctrlKey || event.altKey ? 'copy' : 'move';
}

/** The items a drop carries, if it is ours. */
export function droppedEntries(event: DragEvent): EntryId[] | null {
	const raw = event.dataTransfer?.getData(ENTRIES_TYPE);
	if (!raw) return null;
	try {
		const ids = JSON.parse(raw) as unknown;
		return Array.isArray(ids) && ids.every((v) => typeof v === 'string') ? (ids as EntryId[]) : null;
	} catch {
		return null;
	}
}

export function carriesEntries(event: DragEvent): boolean {
	return event.dataTransfer?.types.includes(ENTRIES_TYPE) ?? false;
}
