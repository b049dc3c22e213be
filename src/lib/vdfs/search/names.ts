import type { EntryRow, SearchOptions } from '../api';
import { ENTRY_JSON } from '../entries/entries';
import type { OpenLibrary } from '../library/library';

/**
 * Name search. Three or more characters go through the FTS5 trigram index (any substring);
 * shorter queries fall back to a prefix scan that stops at the limit. Ranking and filters come
 * with the search feature; this is the primitive it builds on.
 */
export function searchNames(lib: OpenLibrary, query: string, options: SearchOptions = {}): EntryRow[] {
	const q = query.trim();
	if (!q) return [];
	const limit = options.limit ?? 100;
	if ([...q].length >= 3) {
		// A quoted FTS5 string is matched literally; double quotes inside are doubled.
		const phrase = `"${q.replaceAll('"', '""')}"`;
		return lib.sql.json<EntryRow>(
			`SELECT json_group_array(${ENTRY_JSON}) FROM (
				SELECT rowid FROM entry_fts WHERE entry_fts MATCH ?1 LIMIT ?2
			) f JOIN entry e ON e.id = f.rowid JOIN entry p ON p.id = e.parent_id JOIN location l ON l.id = e.location_id`,
			[phrase, limit]
		);
	}
	const pattern = q.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
	return lib.sql.json<EntryRow>(
		`SELECT json_group_array(${ENTRY_JSON}) FROM (
			SELECT * FROM entry WHERE parent_id IS NOT NULL AND name LIKE ?1 ESCAPE '\\' LIMIT ?2
		) e JOIN entry p ON p.id = e.parent_id JOIN location l ON l.id = e.location_id`,
		[pattern, limit]
	);
}
