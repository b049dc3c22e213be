import { OTHER_COPIES, type CopyRef, type EntryDetails, type EntryMedia, type EntryRow } from '../api';
import type { MediaMeta } from '../media/image-facts';
import { VdfsError } from '../errors';
import type { EntryId } from '../ids';
import { kindFromExtension } from '../identity/kind';
import type { OpenLibrary } from '../library/library';
import { ENTRY_JSON } from './entries';

/** One entry with its content's kind and checksum (the inspector's facts). */
export function entryDetails(lib: OpenLibrary, id: EntryId): EntryDetails {
	const row = lib.sql.json<{
		entry: EntryRow;
		locationName: string;
		kind: EntryDetails['kind'] | null;
		mime: string | null;
		fullHash: string | null;
		copies: number;
		media: (Omit<EntryMedia, 'thumb'> & { thumb: number; meta: string | null }) | null;
	}>(
		`SELECT json_group_array(json_object('entry', json(${ENTRY_JSON}), 'locationName', l.name,
			'kind', c.kind, 'mime', c.mime, 'fullHash', e.full_hash,
			'copies', iif(e.cas_id IS NULL, 1, (SELECT count(*) FROM entry x WHERE x.cas_id = e.cas_id)),
			'media', iif(c.media_state = 0 OR c.media_state IS NULL, NULL, json_object('width', c.width,
				'height', c.height, 'duration', c.duration, 'takenAt', c.taken_at, 'meta', c.media,
				'thumb', c.thumb))))
		FROM entry e JOIN location l ON l.id = e.location_id LEFT JOIN entry p ON p.id = e.parent_id
		LEFT JOIN content c ON c.cas_id = e.cas_id
		WHERE e.uuid = ?`,
		[id]
	)[0];
	if (!row) throw new VdfsError('NotFound', 'That file is no longer in the library (it may have been removed).');
	const { entry } = row;
	const guess = entry.isDir ? { kind: 'folder' as const, mime: null } : kindFromExtension(entry.extension);
	return {
		entry,
		locationName: row.locationName,
		path: entry.dirPath ? `${entry.dirPath}/${entry.name}` : entry.name,
		kind: row.kind ?? guess.kind,
		mime: row.mime ?? guess.mime,
		fullHash: row.fullHash,
		copies: row.copies,
		otherCopies: entry.casId && row.copies > 1 ? otherCopies(lib, entry.casId, id) : [],
		media: row.media && {
			width: row.media.width,
			height: row.media.height,
			duration: row.media.duration,
			takenAt: row.media.takenAt,
			...(row.media.meta ? (JSON.parse(row.media.meta) as MediaMeta) : {}),
			thumb: row.media.thumb === 1
		}
	};
}

/** Up to OTHER_COPIES other entries with a content id: this device's first, then by place. */
function otherCopies(lib: OpenLibrary, casId: string, except: EntryId): CopyRef[] {
	const here = lib.deviceRowId;
	return lib.sql.json<CopyRef>(
		`SELECT json_group_array(json_object('entryId', uuid, 'locationId', location, 'locationName', place,
			'path', path, 'deviceName', device, 'here', json(iif(here, 'true', 'false')))
			ORDER BY here DESC, place, path)
		FROM (SELECT x.uuid, l.uuid AS location, l.name AS place, d.name AS device, l.device_id = ? AS here,
				iif(p.path IS NULL OR p.path = '', x.name, p.path || '/' || x.name) AS path
			FROM entry x JOIN location l ON l.id = x.location_id JOIN device d ON d.id = l.device_id
			LEFT JOIN entry p ON p.id = x.parent_id
			WHERE x.cas_id = ? AND x.uuid <> ?
			ORDER BY here DESC, place, path
			LIMIT ${OTHER_COPIES})`,
		[here, casId, except]
	);
}
