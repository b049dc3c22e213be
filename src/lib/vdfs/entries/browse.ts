import type { BrowseEntry, FolderView } from '../api';
import type { SourceEntry } from '../fs/source';
import { isExcluded, type IndexerRules } from '../indexer/rules';
import type { OpenLibrary } from '../library/library';
import { childPath } from '../fs/source';
import { extensionOf, isHiddenName } from './paths';

/** A location opened this long after its last index is rescanned (see CoreApi.openLocation). */
export const STALE_AFTER_MS = 15 * 60_000;

/** A folder's children from the index: folders first, then by name. */
export function indexedFolder(lib: OpenLibrary, dirId: number, limit: number): Pick<FolderView, 'entries' | 'total'> {
	const entries = lib.sql.json<BrowseEntry>(
		`SELECT json_group_array(json_object('id', uuid, 'name', name, 'extension', extension,
			'isDir', json(iif(is_dir, 'true', 'false')), 'size', size, 'mtime', mtime,
			'hidden', json(iif(hidden, 'true', 'false'))) ORDER BY is_dir DESC, name)
		FROM (SELECT * FROM entry WHERE parent_id = ? ORDER BY is_dir DESC, name LIMIT ?)`,
		[dirId, limit]
	);
	const total = lib.sql.value<number>('SELECT count(*) FROM entry WHERE parent_id = ?', [dirId]) ?? 0;
	return { entries, total };
}

/**
 * A folder's children as listed from disk, with the location's rules applied (all but
 * .gitignore files, which only the indexer reads): folders first, then by name.
 */
export function diskFolder(
	dirPath: string,
	listed: readonly SourceEntry[],
	rules: IndexerRules,
	limit: number
): Pick<FolderView, 'entries' | 'total'> {
	const kept = listed
		.filter((e) => !isExcluded(rules, [], childPath(dirPath, e.name), e.name, e.isDir))
		.sort((a, b) => Number(b.isDir) - Number(a.isDir) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	const entries = kept.slice(0, limit).map((e): BrowseEntry => ({
		id: null,
		name: e.name,
		extension: e.isDir ? '' : extensionOf(e.name),
		isDir: e.isDir,
		size: e.size,
		mtime: e.isDir ? null : e.mtime,
		hidden: isHiddenName(e.name)
	}));
	return { entries, total: kept.length };
}
