import { folderRowId } from '../entries/entries';
import { naturalKey } from '../entries/natural';
import { extensionOf, isHiddenName } from '../entries/paths';
import { newId } from '../ids';
import type { OpenLibrary } from '../library/library';

/**
 * The index follows each file operation in the same step (one short transaction each), so the
 * explorer shows the result at once and a rescan finds nothing to change. Rows are device-owned
 * (DESIGN.md §5): every changed row gets a fresh seq, every removed one a tombstone. A row that
 * moves keeps its uuid and content id, so tags, notes and peers' references follow the file.
 */

export interface IndexedRow {
	id: number;
	uuid: string;
	is_dir: number;
	size: number;
	mtime: number | null;
	cas_id: string | null;
	full_hash: string | null;
}

/** What a trash record keeps of each row under a trashed item: [relative path, …]. */
export type SavedRow = [
	rel: string,
	uuid: string,
	isDir: number,
	size: number,
	mtime: number | null,
	cas: string | null,
	full: string | null
];

export function parentPath(path: string): string {
	const slash = path.lastIndexOf('/');
	return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
	return dir ? `${dir}/${name}` : name;
}

const ROW = 'SELECT id, uuid, is_dir, size, mtime, cas_id, full_hash FROM entry';

/** The index row at a path of a location, if indexed. */
export function rowAt(lib: OpenLibrary, locId: number, path: string): IndexedRow | undefined {
	if (path === '') return lib.sql.get<IndexedRow>(`${ROW} WHERE location_id = ? AND path = ''`, [locId]);
	const parent = folderRowId(lib, locId, parentPath(path));
	if (parent === undefined) return undefined;
	return lib.sql.get<IndexedRow>(`${ROW} WHERE parent_id = ? AND name = ?`, [parent, baseName(path)]);
}

/** Removes the row at a path (its subtree cascades) and leaves a tombstone; false if not indexed. */
export function unindex(lib: OpenLibrary, locId: number, path: string): boolean {
	const row = rowAt(lib, locId, path);
	if (!row) return false;
	removeRow(lib, row);
	return true;
}

function removeRow(lib: OpenLibrary, row: { id: number; uuid: string }): void {
	const seq = lib.nextSeq();
	lib.sql.run('DELETE FROM entry WHERE id = ?', [row.id]);
	lib.sql.run("INSERT INTO tombstone (device_id, seq, row_kind, uuid) VALUES (?, ?, 'entry', ?)", [
		lib.deviceRowId,
		seq,
		row.uuid
	]);
	lib.useSeqUpTo(seq + 1);
}

export interface Written {
	isDir: boolean;
	size: number;
	mtime: number | null;
	/** The content id and full hash of the bytes copied (a copy keeps them: no re-hash). */
	casId?: string | null;
	fullHash?: string | null;
	/** The uuid the row takes (a restore gives back the one it had). @default a new one */
	uuid?: string;
}

/**
 * A file or folder written at `path`: a row for it, replacing a row already there. False when
 * its folder is not indexed (the next index of the location finds it).
 */
export function indexWritten(lib: OpenLibrary, locId: number, path: string, written: Written): boolean {
	const parent = folderRowId(lib, locId, parentPath(path));
	if (parent === undefined) return false;
	const name = baseName(path);
	const existing = lib.sql.get<IndexedRow>(`${ROW} WHERE parent_id = ? AND name = ?`, [parent, name]);
	if (existing && existing.is_dir && written.isDir) return true;
	if (existing) removeRow(lib, existing);
	const seq = lib.nextSeq();
	lib.sql.run(
		`INSERT INTO entry (uuid, location_id, parent_id, name, extension, is_dir, size, mtime, cas_id, full_hash,
			path, hidden, name_key, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			written.uuid ?? newId(),
			locId,
			parent,
			name,
			written.isDir ? '' : extensionOf(name),
			written.isDir ? 1 : 0,
			written.isDir ? 0 : written.size,
			written.mtime,
			written.isDir ? null : (written.casId ?? null),
			written.isDir ? null : (written.fullHash ?? null),
			written.isDir ? path : null,
			isHiddenName(name) ? 1 : 0,
			naturalKey(name),
			seq
		]
	);
	lib.useSeqUpTo(seq + 1);
	return true;
}

/**
 * A file or folder moved (or renamed) from one path to another, in one location or between two:
 * its row, and every row under a folder, go with it and keep their ids. Where the source is not
 * indexed, or the target folder is not, the rows are dropped and the next index finds the file.
 */
export function indexMoved(
	lib: OpenLibrary,
	from: { locId: number; path: string },
	to: { locId: number; path: string },
	mtime?: number | null
): boolean {
	const row = rowAt(lib, from.locId, from.path);
	const parent = folderRowId(lib, to.locId, parentPath(to.path));
	if (!row || parent === undefined) {
		if (row) removeRow(lib, row);
		return false;
	}
	const name = baseName(to.path);
	const existing = lib.sql.get<IndexedRow>(`${ROW} WHERE parent_id = ? AND name = ?`, [parent, name]);
	if (existing && existing.id !== row.id) removeRow(lib, existing);
	const descendants = row.is_dir
		? lib.sql.all<{ id: number }>(
				`WITH RECURSIVE sub(id) AS (SELECT id FROM entry WHERE parent_id = ?1
					UNION ALL SELECT e.id FROM entry e JOIN sub ON e.parent_id = sub.id) SELECT id FROM sub`,
				[row.id]
			)
		: [];
	const seq = lib.takeSeq(1 + descendants.length);
	lib.sql.run(
		`UPDATE entry SET location_id = ?, parent_id = ?, name = ?, extension = ?, name_key = ?, hidden = ?,
			path = iif(is_dir, ?, NULL), mtime = coalesce(?, mtime), seq = ? WHERE id = ?`,
		[
			to.locId,
			parent,
			name,
			row.is_dir ? '' : extensionOf(name),
			naturalKey(name),
			isHiddenName(name) ? 1 : 0,
			to.path,
			row.is_dir ? null : (mtime ?? null),
			seq,
			row.id
		]
	);
	if (descendants.length > 0) {
		// Folders under it: their paths start with the new path; all rows: the new location.
		lib.sql.run(
			// substr counts characters and JS counts UTF-16 units: SQLite measures the old path itself.
			`UPDATE entry SET location_id = ?1, seq = ?2 + j.key,
				path = iif(entry.is_dir, ?3 || substr(entry.path, length(?4) + 1), NULL)
			FROM json_each(?5) j WHERE entry.id = j.value`,
			[to.locId, seq + 1, to.path, from.path, JSON.stringify(descendants.map((d) => d.id))]
		);
	}
	return true;
}

/** The rows at and under a path, for a trash record (relative paths, parents first). */
export function subtreeRows(lib: OpenLibrary, locId: number, path: string): SavedRow[] {
	const row = rowAt(lib, locId, path);
	if (!row) return [];
	return lib.sql.json<SavedRow>(
		`WITH RECURSIVE sub(id, rel, depth) AS (SELECT ?1, '', 0
			UNION ALL SELECT e.id, iif(sub.rel = '', e.name, sub.rel || '/' || e.name), sub.depth + 1
				FROM entry e JOIN sub ON e.parent_id = sub.id)
		SELECT json_group_array(json_array(sub.rel, e.uuid, e.is_dir, e.size, e.mtime, e.cas_id, e.full_hash))
		FROM (SELECT * FROM sub ORDER BY depth) sub JOIN entry e ON e.id = sub.id`,
		[row.id]
	);
}

/** Rows a restore gives back, under the path the item returned to (parents first). */
export function indexRestored(lib: OpenLibrary, locId: number, path: string, rows: readonly SavedRow[]): number {
	let written = 0;
	for (const [rel, uuid, isDir, size, mtime, casId, fullHash] of rows) {
		const at = rel === '' ? path : `${path}/${rel}`;
		// A uuid still in use (the item was indexed again meanwhile) is not taken twice.
		const taken = lib.sql.value<number>('SELECT 1 FROM entry WHERE uuid = ?', [uuid]) !== undefined;
		const ok = indexWritten(lib, locId, at, {
			isDir: isDir === 1,
			size,
			mtime,
			casId,
			fullHash,
			uuid: taken ? undefined : uuid
		});
		if (ok) written++;
	}
	return written;
}
