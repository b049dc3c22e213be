import type { EntryRow, SearchOptions } from '../api';
import type { LocationId } from '../ids';
import type { OpenLibrary } from '../library/library';
import { search } from './query';

/** Names matching the text (SearchQuery.text), hidden files included, best first. */
export function searchNames(lib: OpenLibrary, query: string, options: SearchOptions = {}): EntryRow[] {
	if (!query.trim()) return [];
	const { hits } = search(lib, { text: query, hidden: true }, { limit: options.limit ?? 100 });
	return hits.map((h) => ({
		id: h.id,
		name: h.name,
		extension: h.extension,
		isDir: h.isDir,
		size: h.size,
		mtime: h.mtime,
		casId: h.casId,
		hidden: h.hidden,
		dirPath: h.dirPath,
		locationId: h.locationId as LocationId
	}));
}
