import type { DeviceId, LibraryStatistics, LibraryStats, LocationId } from '../api';
import type { OpenLibrary } from '../library/library';
import { largestFiles } from '../search/hits';

/**
 * Library statistics from the counters the index keeps as it changes (stat_kind, content.refs:
 * migration 8's triggers), so a visit reads a few hundred rows however large the library is.
 */
export function libraryStatistics(lib: OpenLibrary): LibraryStatistics {
	const sql = lib.sql;
	const live = 'FROM stat_kind s JOIN location l ON l.id = s.location_id';
	const kinds = sql.all<{ kind: string; files: number; bytes: number }>(
		`SELECT s.kind, sum(s.files) AS files, sum(s.bytes) AS bytes ${live}
		WHERE s.kind <> 'folder' GROUP BY s.kind HAVING sum(s.files) > 0 ORDER BY bytes DESC, files DESC, s.kind`
	);
	const locations = sql.all<{ id: LocationId; name: string; deviceName: string; files: number; bytes: number }>(
		`SELECT l.uuid AS id, l.name, d.name AS deviceName,
			coalesce(sum(s.files) FILTER (WHERE s.kind <> 'folder'), 0) AS files, coalesce(sum(s.bytes), 0) AS bytes
		FROM location l JOIN device d ON d.id = l.device_id LEFT JOIN stat_kind s ON s.location_id = l.id
		GROUP BY l.id ORDER BY bytes DESC, l.name`
	);
	const devices = sql.all<{ id: DeviceId; name: string; files: number; bytes: number }>(
		`SELECT d.uuid AS id, d.name, coalesce(sum(s.files) FILTER (WHERE s.kind <> 'folder'), 0) AS files,
			coalesce(sum(s.bytes), 0) AS bytes
		FROM device d JOIN location l ON l.device_id = d.id LEFT JOIN stat_kind s ON s.location_id = l.id
		GROUP BY d.id ORDER BY bytes DESC, d.name`
	);
	const shared = sql.get<{ wasted: number; files: number }>(
		`SELECT coalesce(sum(size * (refs - 1)), 0) AS wasted, coalesce(sum(refs), 0) AS files
		FROM content INDEXED BY content_shared WHERE refs > 1`
	) ?? { wasted: 0, files: 0 };
	const folders = sql.value<number>(`SELECT coalesce(sum(s.files), 0) ${live} WHERE s.kind = 'folder'`) ?? 0;
	return {
		files: kinds.reduce((n, k) => n + k.files, 0),
		folders,
		bytes: kinds.reduce((n, k) => n + k.bytes, 0),
		kinds,
		locations,
		devices,
		reclaimableBytes: shared.wasted,
		duplicateFiles: shared.files,
		largest: largestFiles(lib, 10)
	};
}

/** The overview's totals (entries are files and folders), from the same counters. */
export function libraryTotals(lib: OpenLibrary): LibraryStats {
	const row = lib.sql.get<{ entries: number; bytes: number }>(
		'SELECT coalesce(sum(s.files), 0) AS entries, coalesce(sum(s.bytes), 0) AS bytes FROM stat_kind s JOIN location l ON l.id = s.location_id'
	) ?? { entries: 0, bytes: 0 };
	return { locations: lib.sql.value<number>('SELECT count(*) FROM location') ?? 0, ...row };
}
