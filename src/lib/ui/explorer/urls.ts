import { resolve } from '$app/paths';
import type { LocationId } from '$lib/vdfs/api';

/** A folder of a location in the explorer ('' is its top). */
export function folderUrl(location: LocationId, dir: string): string {
	return resolve('/locations/[id]', { id: location }) + (dir === '' ? '' : `?path=${encodeURIComponent(dir)}`);
}

/** A file's folder in the explorer, with the file selected. */
export function fileUrl(location: LocationId, path: string): string {
	const slash = path.lastIndexOf('/');
	const dir = slash < 0 ? '' : path.slice(0, slash);
	const name = encodeURIComponent(path.slice(slash + 1));
	return folderUrl(location, dir) + (dir === '' ? '?' : '&') + `select=${name}`;
}
