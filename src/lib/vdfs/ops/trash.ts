import type { TrashItem } from '../api';
import type { LocationId, TrashId } from '../ids';
import type { OpenLibrary } from '../library/library';
import type { SavedRow } from './index-writes';
import { TRASH_FOLDER } from './names';

/** The trash records (migration 12): the files themselves sit in `.orrery-trash/<id>/<name>`. */

export interface TrashRecord {
	uuid: TrashId;
	location_id: number;
	location_uuid: LocationId;
	path: string;
	name: string;
	is_dir: number;
	entries: string;
}

/** Where a trash item's file or folder sits inside its location. */
export function trashPath(id: TrashId, name: string): string {
	return `${TRASH_FOLDER}/${id}/${name}`;
}

export function addTrash(
	lib: OpenLibrary,
	record: {
		id: TrashId;
		locId: number;
		path: string;
		name: string;
		isDir: boolean;
		rows: SavedRow[];
		size: number;
		files: number;
	}
): void {
	lib.sql.run(
		`INSERT INTO trash (uuid, location_id, path, name, is_dir, size, files, trashed_at, entries)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		[
			record.id,
			record.locId,
			record.path,
			record.name,
			record.isDir ? 1 : 0,
			record.size,
			record.files,
			Date.now(),
			JSON.stringify(record.rows)
		]
	);
}

export function trashRecord(lib: OpenLibrary, id: TrashId): TrashRecord | undefined {
	return lib.sql.get<TrashRecord>(
		`SELECT t.uuid, t.location_id, l.uuid AS location_uuid, t.path, t.name, t.is_dir, t.entries
			FROM trash t JOIN location l ON l.id = t.location_id WHERE t.uuid = ?`,
		[id]
	);
}

export function removeTrash(lib: OpenLibrary, id: TrashId): void {
	lib.sql.run('DELETE FROM trash WHERE uuid = ?', [id]);
}

/** What is in the trash (of one location, or of all), newest first. */
export function listTrash(lib: OpenLibrary, location?: LocationId): TrashItem[] {
	return lib.sql.json<TrashItem>(
		`SELECT json_group_array(json_object('id', t.uuid, 'location', l.uuid, 'locationName', l.name,
			'path', t.path, 'name', t.name, 'isDir', json(iif(t.is_dir, 'true', 'false')), 'size', t.size,
			'files', t.files, 'trashedAt', t.trashed_at) ORDER BY t.trashed_at DESC, t.uuid DESC)
		FROM trash t JOIN location l ON l.id = t.location_id WHERE ?1 IS NULL OR l.uuid = ?1`,
		[location ?? null]
	);
}
