import type { EntryId } from '$lib/vdfs/api';

/** Items dragged out of a view (onto a sidebar tag), as a type of our own. */
export const ENTRIES_TYPE = 'application/x-orrery-entries';

export function dragEntries(event: DragEvent, ids: EntryId[]): void {
	if (!event.dataTransfer || ids.length === 0) return;
	event.dataTransfer.setData(ENTRIES_TYPE, JSON.stringify(ids));
	event.dataTransfer.effectAllowed = 'copyLink';
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
