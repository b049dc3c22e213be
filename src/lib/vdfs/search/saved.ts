import type { SavedSearch, SavedSearchId, SearchQuery } from '../api';
import { VdfsError } from '../errors';
import { newId } from '../ids';
import type { OpenLibrary } from '../library/library';
import { change } from '../sync/ops';
import { checkQuery } from './plan';

/** Saved searches: a name and a query, shared across the library's devices like tags. */
export function savedSearches(lib: OpenLibrary): SavedSearch[] {
	return lib.sql
		.all<{ uuid: string; name: string; query: string }>(
			"SELECT uuid, name, query FROM saved_search WHERE deleted = 0 AND name <> '' ORDER BY name COLLATE NOCASE, uuid"
		)
		.map((r) => ({ id: r.uuid as SavedSearchId, name: r.name, query: parseQuery(r.query) }));
}

/** A query as stored; one that no longer reads (from a newer version) searches for nothing special. */
function parseQuery(text: string): SearchQuery {
	try {
		const q = JSON.parse(text) as SearchQuery;
		checkQuery(q);
		return q;
	} catch {
		return {};
	}
}

export function saveSearch(
	lib: OpenLibrary,
	device: string,
	input: { name: string; query: SearchQuery; id?: SavedSearchId }
): SavedSearch {
	const name = typeof input.name === 'string' ? input.name.trim() : '';
	if (!name) throw new VdfsError('InvalidInput', 'A saved search needs a name.');
	if ([...name].length > 100) throw new VdfsError('InvalidInput', 'A saved search name can be at most 100 characters.');
	checkQuery(input.query);
	const id = input.id ?? newId<SavedSearchId>();
	change(lib, device, [
		{ table: 'saved_search', key: [id], set: { name, query: JSON.stringify(input.query), deleted: 0 } }
	]);
	return { id, name, query: input.query };
}

export function deleteSavedSearch(lib: OpenLibrary, device: string, id: SavedSearchId): void {
	if (!savedSearches(lib).some((s) => s.id === id))
		throw new VdfsError('NotFound', 'That saved search no longer exists.');
	change(lib, device, [{ table: 'saved_search', key: [id], set: { deleted: 1 } }]);
}
