import type { LocationKind, LocationSummary } from '../api';
import { VdfsError } from '../errors';
import { newId, type LocationId } from '../ids';
import type { OpenLibrary } from '../library/library';

const KINDS: readonly LocationKind[] = ['fsa', 'opfs', 'snapshot'];

const SUMMARY_COLUMNS = `json_object('id', l.uuid, 'name', l.name, 'kind', l.kind, 'deviceId', d.uuid,
	'createdAt', l.created_at, 'totalFiles', l.total_files, 'totalDirs', l.total_dirs, 'totalBytes', l.total_bytes,
	'lastIndexedAt', l.last_indexed_at)`;

/** Creates a location and its root directory entry. Idempotent for a caller-given id. */
export function createLocation(
	lib: OpenLibrary,
	input: { name: string; kind: LocationKind; id?: LocationId }
): LocationSummary {
	const name = input.name.trim();
	if (!name) throw new VdfsError('InvalidInput', 'A location needs a name.');
	if (!KINDS.includes(input.kind))
		throw new VdfsError('InvalidInput', `Unknown location kind “${String(input.kind)}”.`);
	const id = input.id ?? newId<LocationId>();
	lib.sql.tx(() => {
		if (lib.sql.value('SELECT 1 FROM location WHERE uuid = ?', [id])) return;
		const seq = lib.takeSeq(2);
		lib.sql.run('INSERT INTO location (uuid, device_id, name, kind, created_at, seq) VALUES (?, ?, ?, ?, ?, ?)', [
			id,
			lib.deviceRowId,
			name,
			input.kind,
			Date.now(),
			seq
		]);
		const locationRowId = lib.sql.value<number>('SELECT last_insert_rowid()');
		lib.sql.run(
			"INSERT INTO entry (uuid, location_id, parent_id, name, is_dir, path, seq) VALUES (?, ?, NULL, '', 1, '', ?)",
			[newId(), locationRowId ?? 0, seq + 1]
		);
	});
	const summary = getLocation(lib, id);
	if (!summary) throw new VdfsError('Internal', 'The new location was not saved.');
	return summary;
}

export function getLocation(lib: OpenLibrary, id: LocationId): LocationSummary | undefined {
	return lib.sql.json<LocationSummary>(
		`SELECT json_group_array(${SUMMARY_COLUMNS}) FROM location l JOIN device d ON d.id = l.device_id WHERE l.uuid = ?`,
		[id]
	)[0];
}

export function listLocations(lib: OpenLibrary): LocationSummary[] {
	return lib.sql.json<LocationSummary>(
		`SELECT json_group_array(${SUMMARY_COLUMNS} ORDER BY l.name, l.uuid)
		 FROM location l JOIN device d ON d.id = l.device_id`
	);
}

export function locationRowId(lib: OpenLibrary, id: LocationId): number {
	const rowId = lib.sql.value<number>('SELECT id FROM location WHERE uuid = ?', [id]);
	if (rowId === undefined)
		throw new VdfsError('NotFound', 'That location is not in this library (it may have been removed).');
	return rowId;
}
