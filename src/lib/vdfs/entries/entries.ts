import type { EntryInput, EntryRow, ListOptions } from '../api';
import { VdfsError } from '../errors';
import { newId, type LocationId } from '../ids';
import type { OpenLibrary } from '../library/library';
import { locationRowId } from '../locations/locations';
import { splitPath, extensionOf, isHiddenName } from './paths';
import { naturalKey } from './natural';

/** Columns of EntryRow as JSON, for `json_group_array` reads (see Sql.json). */
export const ENTRY_JSON = `json_object('id', e.uuid, 'name', e.name, 'extension', e.extension,
	'isDir', json(iif(e.is_dir, 'true', 'false')), 'size', e.size, 'mtime', e.mtime, 'casId', e.cas_id,
	'hidden', json(iif(e.hidden, 'true', 'false')), 'dirPath', p.path, 'locationId', l.uuid)`;

/** An entry's path inside its location, in a query joining its folder as `p`. */
export const ENTRY_PATH = `iif(p.path = '', e.name, p.path || '/' || e.name)`;

/**
 * A changed size or mtime means the bytes may have changed: the content id and full hash are dropped until the
 * file is identified again. A folder that became a file loses its children (trigger
 * entry_dir_became_file).
 */
const UPSERT = `INSERT INTO entry (uuid, location_id, parent_id, name, extension, is_dir, size, mtime, path, hidden, name_key, seq)
	SELECT j.value ->> 0, ?2, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
		j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, ?3 + j.key
	FROM json_each(?1) j WHERE true
	ON CONFLICT (parent_id, name) DO UPDATE SET
		is_dir = excluded.is_dir, size = excluded.size, mtime = excluded.mtime, path = excluded.path,
		hidden = excluded.hidden, extension = excluded.extension, seq = excluded.seq,
		cas_id = iif(entry.size IS excluded.size AND entry.mtime IS excluded.mtime AND entry.is_dir IS excluded.is_dir, entry.cas_id, NULL),
		full_hash = iif(entry.size IS excluded.size AND entry.mtime IS excluded.mtime AND entry.is_dir IS excluded.is_dir, entry.full_hash, NULL)
	WHERE entry.is_dir IS NOT excluded.is_dir OR entry.size IS NOT excluded.size
		OR entry.mtime IS NOT excluded.mtime OR entry.hidden IS NOT excluded.hidden`;

/** The row id of a location's folder by its path ('' for the root); undefined if not indexed. */
export function folderRowId(lib: OpenLibrary, locId: number, path: string): number | undefined {
	return lib.sql.value<number>('SELECT id FROM entry WHERE location_id = ? AND path = ?', [locId, path]);
}

/**
 * Writes entries of one location in one transaction: new ones are inserted, changed ones
 * (size, mtime, kind, hidden) updated and stamped with a fresh seq, unchanged ones left alone,
 * so a rescan of an unchanged tree writes nothing and uses no sequence number. Parents must
 * come before their children (or be indexed already).
 *
 * Rows go to SQLite as one JSON array a statement (json_each), not bound one by one: 1.9x the
 * rows/s here (bench index: the writes are what the walk waits for). A statement cannot see the
 * folders it inserts itself, so rows whose folder is new in the same call go in a next round.
 * Seqs rise with each row but may skip where a row turned out unchanged.
 */
export function putEntries(lib: OpenLibrary, location: LocationId, inputs: readonly EntryInput[]): number {
	if (inputs.length === 0) return 0;
	const sql = lib.sql;
	return sql.tx(() => {
		const locId = locationRowId(lib, location);
		const dirIds = new Map<string, number>();
		const dirId = (path: string): number | undefined => {
			let id = dirIds.get(path);
			if (id === undefined) {
				id = folderRowId(lib, locId, path);
				if (id !== undefined) dirIds.set(path, id);
			}
			return id;
		};
		const newDirs = new Set(inputs.filter((i) => i.isDir).map((i) => i.path));
		let seq = lib.nextSeq();
		let written = 0;
		let pending = inputs;
		while (pending.length > 0) {
			const rows: unknown[][] = [];
			const later: EntryInput[] = [];
			for (const input of pending) {
				const { parent, name } = splitPath(input.path);
				const parentId = dirId(parent);
				if (parentId === undefined) {
					if (!newDirs.has(parent)) {
						throw new VdfsError(
							'NotFound',
							`The folder “${parent}” is not indexed yet, so “${input.path}” cannot be added.`
						);
					}
					later.push(input);
					continue;
				}
				rows.push([
					newId(),
					parentId,
					name,
					input.isDir ? '' : extensionOf(name),
					input.isDir ? 1 : 0,
					input.isDir ? 0 : input.size,
					input.mtime,
					input.isDir ? input.path : null,
					(input.hidden ?? isHiddenName(name)) ? 1 : 0,
					naturalKey(name)
				]);
			}
			if (rows.length === 0) {
				throw new VdfsError(
					'InvalidInput',
					'Some entries are inside folders that are neither indexed nor being added.'
				);
			}
			sql.run(UPSERT, [JSON.stringify(rows), locId, seq]);
			written += sql.db.changes();
			seq += rows.length;
			pending = later;
		}
		// Nothing written: no sequence number used.
		if (written > 0) lib.useSeqUpTo(seq);
		return written;
	});
}

const SORT_COLUMNS: Record<NonNullable<ListOptions['sort']>, string> = {
	name: 'e.name',
	size: 'e.size',
	mtime: 'e.mtime'
};

/** The children of one folder, read as one JSON string (4–9x faster than row objects here). */
export function listChildren(
	lib: OpenLibrary,
	location: LocationId,
	dirPath: string,
	options: ListOptions = {}
): EntryRow[] {
	const locId = locationRowId(lib, location);
	const column = SORT_COLUMNS[options.sort ?? 'name'];
	if (!column) throw new VdfsError('InvalidInput', `Cannot sort by “${String(options.sort)}”.`);
	const direction = options.descending ? 'DESC' : 'ASC';
	return lib.sql.json<EntryRow>(
		`SELECT json_group_array(${ENTRY_JSON} ORDER BY ${column} ${direction}, e.name) FROM (
			SELECT * FROM entry e
			WHERE e.parent_id = (SELECT id FROM entry WHERE location_id = ?1 AND path = ?2)
			ORDER BY ${column} ${direction}, e.name LIMIT ?3 OFFSET ?4
		) e JOIN entry p ON p.id = e.parent_id JOIN location l ON l.id = e.location_id`,
		[locId, dirPath, options.limit ?? 1000, options.offset ?? 0]
	);
}
