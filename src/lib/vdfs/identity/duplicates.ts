import type { DuplicateGroup, DuplicateMember, DuplicateOptions, DuplicateReport } from '../api';
import { ENTRY_PATH } from '../entries/entries';
import type { OpenLibrary } from '../library/library';

/**
 * Duplicate groups: entries sharing a content id. Once every member of a content id has a full
 * hash (see ChecksumJob) the group is confirmed and splits by full hash: the sampled id reads
 * ~57 KiB of a file, so two files that differ only between the samples share it. Members that
 * stand alone after a split are no longer duplicates. While any member lacks a full hash, the
 * content id is one unconfirmed group.
 */
const GROUPS = `
	WITH dup AS (
		SELECT cas_id FROM entry WHERE cas_id IS NOT NULL GROUP BY cas_id HAVING count(*) > 1
	),
	m AS (SELECT e.cas_id, e.full_hash, e.size FROM entry e JOIN dup USING (cas_id)),
	c AS (
		SELECT cas_id, count(*) = count(full_hash) AS confirmed, count(DISTINCT full_hash) > 1 AS split
		FROM m GROUP BY cas_id
	),
	g AS (
		SELECT m.cas_id, iif(c.confirmed, m.full_hash, NULL) AS full_hash, c.confirmed,
			count(*) AS n, max(m.size) AS size, max(m.size) * (count(*) - 1) AS wasted
		FROM m JOIN c USING (cas_id)
		GROUP BY m.cas_id, iif(c.confirmed, m.full_hash, NULL)
		HAVING count(*) > 1
	)`;

export function duplicateReport(lib: OpenLibrary, options: DuplicateOptions = {}): DuplicateReport {
	const limit = Math.max(1, Math.min(options.limit ?? 200, 10_000));
	const perGroup = Math.max(1, Math.min(options.members ?? 50, 10_000));
	const sql = lib.sql;
	{
		const totals = sql.get<{ groups: number; wasted: number; split: number }>(
			`${GROUPS} SELECT (SELECT count(*) FROM g) AS groups, (SELECT coalesce(sum(wasted), 0) FROM g) AS wasted,
				(SELECT count(*) FROM c WHERE confirmed AND split) AS split`
		) ?? { groups: 0, wasted: 0, split: 0 };
		const rows = sql.all<{
			cas_id: string;
			full_hash: string | null;
			confirmed: number;
			n: number;
			size: number;
			wasted: number;
			kind: DuplicateGroup['kind'] | null;
			mime: string | null;
		}>(
			`${GROUPS} SELECT g.*, ct.kind, ct.mime FROM g LEFT JOIN content ct ON ct.cas_id = g.cas_id
			ORDER BY g.wasted DESC, g.cas_id, g.full_hash LIMIT ?`,
			[limit]
		);
		const members = sql.prepared(
			`SELECT json_group_array(json_object('entryId', uuid, 'locationId', location_id, 'locationName', location_name,
				'path', path, 'mtime', mtime, 'fullHash', full_hash)) FROM (
				SELECT e.uuid, l.uuid AS location_id, l.name AS location_name,
					${ENTRY_PATH} AS path, e.mtime, e.full_hash
				FROM entry e JOIN entry p ON p.id = e.parent_id JOIN location l ON l.id = e.location_id
				WHERE e.cas_id = ?1 AND (?2 IS NULL OR e.full_hash = ?2)
				ORDER BY l.name, path LIMIT ?3
			)`
		);
		const groups: DuplicateGroup[] = [];
		for (const row of rows) {
			let list: DuplicateMember[];
			try {
				members.bind([row.cas_id, row.full_hash, perGroup]).step();
				list = JSON.parse(members.getString(0) ?? '[]') as DuplicateMember[];
			} finally {
				members.reset(true);
			}
			groups.push({
				casId: row.cas_id,
				confirmed: row.confirmed === 1,
				fullHash: row.full_hash,
				kind: row.kind ?? 'unknown',
				mime: row.mime,
				size: row.size,
				count: row.n,
				wasted: row.wasted,
				members: list
			});
		}
		const unidentified =
			sql.value<number>(
				'SELECT count(*) FROM entry INDEXED BY entry_unidentified WHERE cas_id IS NULL AND is_dir = 0 AND size > 0'
			) ?? 0;
		return { groups, groupCount: totals.groups, reclaimableBytes: totals.wasted, split: totals.split, unidentified };
	}
}

/** Entries of a content id still without a full hash (what confirming its group must hash). */
export function unhashedMembers(lib: OpenLibrary, casId: string): string[] {
	return lib.sql
		.all<{ uuid: string }>('SELECT uuid FROM entry WHERE cas_id = ? AND full_hash IS NULL ORDER BY id', [casId])
		.map((r) => r.uuid);
}
