import type { BrowseEntry, ContentKind } from '$lib/vdfs/api';

export const KIND_LABEL: Record<ContentKind, string> = {
	folder: 'Folder',
	image: 'Image',
	video: 'Video',
	audio: 'Audio',
	document: 'Document',
	text: 'Text',
	code: 'Code',
	archive: 'Archive',
	font: 'Font',
	executable: 'Program',
	unknown: 'File'
};

export function kindLabel(entry: BrowseEntry): string {
	const label = KIND_LABEL[entry.kind];
	return entry.kind === 'unknown' && entry.extension ? `${entry.extension.toUpperCase()} file` : label;
}

/** A date taken (the camera's clock, stored as UTC wall-clock time). */
export function formatTakenShort(ms: number | null): string {
	if (ms === null) return '';
	return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}

export function formatDate(ms: number | null): string {
	if (ms === null || ms === 0) return '';
	return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
