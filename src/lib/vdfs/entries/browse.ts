import type { BrowseEntry, BrowseOptions, BrowseSort, ContentKind, FolderView } from '../api';
import type { SourceEntry } from '../fs/source';
import { kindFromExtension } from '../identity/kind';
import { isExcluded, type IndexerRules } from '../indexer/rules';
import type { OpenLibrary } from '../library/library';
import { childPath } from '../fs/source';
import { extensionOf, isHiddenName } from './paths';
import { naturalKey } from './natural';

/** A location opened this long after its last index is rescanned (see CoreApi.openLocation). */
export const STALE_AFTER_MS = 15 * 60_000;

/** Rows one browse call returns at most: a view asks for the window it shows. */
export const BROWSE_LIMIT_MAX = 100_000;

/** The kinds the media view shows. */
export const MEDIA_KINDS: readonly ContentKind[] = ['image', 'video'];

type Window = Pick<FolderView, 'entries' | 'total' | 'offset'>;

const MEDIA_FILTER = `AND e.is_dir = 0 AND c.kind IN (${MEDIA_KINDS.map((k) => `'${k}'`).join(', ')})`;

/**
 * The ORDER BY of each sort, after "folders first". Names compare in natural order, without
 * case (as file managers do: name_key, see entries/natural.ts), and every key falls back to the
 * name, A to Z, so equal keys keep a stable order across windows and read alphabetically
 * whichever way the key runs.
 */
function orderBy(sort: BrowseSort, descending: boolean): string {
	const dir = descending ? 'DESC' : 'ASC';
	const name = `e.name_key ASC, e.name ASC`;
	switch (sort) {
		case 'name':
			return `e.name_key ${dir}, e.name ${dir}`;
		case 'kind':
			// Files not identified yet sort after the rest, by extension.
			return `coalesce(c.kind, '~') ${dir}, e.extension COLLATE NOCASE ${dir}, ${name}`;
		case 'size':
			return `e.size ${dir}, ${name}`;
		case 'mtime':
			return `e.mtime ${dir} NULLS LAST, ${name}`;
		case 'taken':
			return `c.taken_at ${dir} NULLS LAST, e.mtime ${dir} NULLS LAST, ${name}`;
	}
}

/** A window of a folder's children from the index: folders first, then in the chosen order. */
export function indexedFolder(lib: OpenLibrary, dirId: number, options: Required<BrowseOptions>): Window {
	const media = options.only === 'media';
	const filter = media ? MEDIA_FILTER : '';
	const rows = lib.sql.json<BrowseEntry & { kind: ContentKind | null }>(folderPageSql(options), [
		dirId,
		options.limit,
		options.offset
	]);
	const total = media
		? (lib.sql.value<number>(
				`SELECT count(*) FROM entry e JOIN content c ON c.cas_id = e.cas_id WHERE e.parent_id = ? ${filter}`,
				[dirId]
			) ?? 0)
		: (lib.sql.value<number>('SELECT count(*) FROM entry WHERE parent_id = ?', [dirId]) ?? 0);
	return { entries: rows.map(withKind), total, offset: options.offset };
}

/**
 * A page of a folder (?1) as one JSON array, at most ?2 rows from ?3. Rows are made in the
 * ordered, limited subquery, whose order the aggregate keeps. By name, A to Z, the index
 * entry_child_order gives the order: no sort of the whole folder. Hidden: a dot-file, or marked
 * hidden by the user (user_meta, on its content or itself).
 */
export function folderPageSql(options: Pick<BrowseOptions, 'sort' | 'descending' | 'only'>): string {
	const { sort, descending, only } = browseOptions(options);
	const filter = only === 'media' ? MEDIA_FILTER : '';
	return `SELECT json_group_array(json(j)) FROM (
			SELECT json_object('id', e.uuid, 'name', e.name, 'extension', e.extension,
				'isDir', json(iif(e.is_dir, 'true', 'false')), 'size', e.size, 'mtime', e.mtime,
				'hidden', json(iif(e.hidden OR EXISTS (SELECT 1 FROM user_meta um WHERE um.hidden = 1
					AND um.target IN (e.cas_id, e.uuid)), 'true', 'false')), 'casId', e.cas_id, 'kind', c.kind,
				'width', c.width, 'height', c.height, 'duration', c.duration, 'takenAt', c.taken_at,
				'thumb', json(iif(c.thumb = 1, 'true', 'false'))) AS j
			FROM entry e LEFT JOIN content c ON c.cas_id = e.cas_id
			WHERE e.parent_id = ?1 ${filter}
			ORDER BY e.is_dir DESC, ${orderBy(sort, descending)} LIMIT ?2 OFFSET ?3)`;
}

/** A file not identified yet shows the kind its name suggests. */
function withKind(row: BrowseEntry & { kind: ContentKind | null }): BrowseEntry {
	const kind = row.isDir ? 'folder' : (row.kind ?? kindFromExtension(row.extension).kind);
	return { ...row, kind };
}

/**
 * A window of a folder's children as listed from disk, with the location's rules applied (all
 * but .gitignore files, which only the indexer reads): folders first, in the chosen order.
 * Nothing is known of their content yet: kinds come from names.
 */
export function diskFolder(
	dirPath: string,
	listed: readonly SourceEntry[],
	rules: IndexerRules,
	options: Required<BrowseOptions>
): Window {
	const kept = diskSorted(dirPath, listed, rules, options);
	return {
		entries: kept.slice(options.offset, options.offset + options.limit),
		total: kept.length,
		offset: options.offset
	};
}

/** Where the first child whose name starts with `prefix` (any case) stands in the order; null if none. */
export function locateIndexed(
	lib: OpenLibrary,
	dirId: number,
	prefix: string,
	options: Required<BrowseOptions>
): number | null {
	const filter = options.only === 'media' ? MEDIA_FILTER : '';
	const pattern = prefix.replace(/[%_!]/g, (c) => `!${c}`) + '%';
	return (
		lib.sql.value<number>(
			`SELECT n FROM (
				SELECT e.name, row_number() OVER (ORDER BY e.is_dir DESC, ${orderBy(options.sort, options.descending)}) - 1 AS n
				FROM entry e LEFT JOIN content c ON c.cas_id = e.cas_id WHERE e.parent_id = ?1 ${filter})
			WHERE name LIKE ?2 ESCAPE '!' ORDER BY n LIMIT 1`,
			[dirId, pattern]
		) ?? null
	);
}

/** locateIndexed for a folder listed from disk. */
export function locateListed(
	dirPath: string,
	listed: readonly SourceEntry[],
	rules: IndexerRules,
	prefix: string,
	options: Required<BrowseOptions>
): number | null {
	const lower = prefix.toLowerCase();
	const at = diskSorted(dirPath, listed, rules, options).findIndex((e) => e.name.toLowerCase().startsWith(lower));
	return at < 0 ? null : at;
}

/** A folder's children listed from disk, filtered by the rules and sorted as the index would. */
function diskSorted(
	dirPath: string,
	listed: readonly SourceEntry[],
	rules: IndexerRules,
	options: Required<BrowseOptions>
): BrowseEntry[] {
	let kept = listed
		.filter((e) => !isExcluded(rules, [], childPath(dirPath, e.name), e.name, e.isDir))
		.map((e): BrowseEntry => ({
			id: null,
			name: e.name,
			extension: e.isDir ? '' : extensionOf(e.name),
			isDir: e.isDir,
			size: e.size,
			mtime: e.isDir ? null : e.mtime,
			hidden: isHiddenName(e.name),
			casId: null,
			kind: e.isDir ? 'folder' : kindFromExtension(extensionOf(e.name)).kind,
			width: null,
			height: null,
			duration: null,
			takenAt: null,
			thumb: false
		}));
	if (options.only === 'media') kept = kept.filter((e) => MEDIA_KINDS.includes(e.kind));
	const sign = options.descending ? -1 : 1;
	// Keys made once, not in each of a big folder's million comparisons.
	const keys = new Map(kept.map((e) => [e, naturalKey(e.name)]));
	const byName = (a: BrowseEntry, b: BrowseEntry) => {
		const [ka, kb] = [keys.get(a)!, keys.get(b)!];
		if (ka !== kb) return ka < kb ? -1 : 1;
		return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
	};
	const key = (e: BrowseEntry): number | string =>
		options.sort === 'size' ? e.size : options.sort === 'mtime' || options.sort === 'taken' ? (e.mtime ?? 0) : e.kind;
	kept.sort((a, b) => {
		if (a.isDir !== b.isDir) return a.isDir ? -1 : 1;
		if (options.sort === 'name') return byName(a, b) * sign;
		const [ka, kb] = [key(a), key(b)];
		if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
		return byName(a, b);
	});
	return kept;
}

/** Browse options with their defaults, bounded. */
export function browseOptions(options: BrowseOptions = {}): Required<BrowseOptions> {
	const sorts: BrowseSort[] = ['name', 'kind', 'size', 'mtime', 'taken'];
	return {
		offset: Math.max(0, Math.floor(options.offset ?? 0)),
		limit: Math.min(Math.max(1, Math.floor(options.limit ?? 5000)), BROWSE_LIMIT_MAX),
		sort: sorts.includes(options.sort as BrowseSort) ? (options.sort as BrowseSort) : 'name',
		descending: options.descending === true,
		only: options.only === 'media' ? 'media' : 'all'
	};
}
