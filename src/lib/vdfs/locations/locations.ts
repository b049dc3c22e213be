import type { LocationKind, LocationSummary } from '../api';
import { VdfsError } from '../errors';
import { newId, type LocationId } from '../ids';
import { parseRules, type IndexerRules } from '../indexer/rules';
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

/** Bounds on a location's skipped folder names: enough for any real list, small enough for a row. */
const MAX_SKIP_FOLDERS = 200;
const MAX_NAME_LENGTH = 255;

/**
 * Checks rules that come from a caller (another tab, a test) and returns them in canonical form:
 * only the known fields, folder names trimmed and deduplicated in the order given.
 */
export function cleanRules(input: IndexerRules): IndexerRules {
	if (typeof input !== 'object' || input === null) throw new VdfsError('InvalidInput', 'Indexer rules are missing.');
	const flags = ['skipSystemJunk', 'skipHidden', 'gitignore'] as const;
	for (const flag of flags) {
		if (typeof input[flag] !== 'boolean') {
			throw new VdfsError('InvalidInput', `The rule “${flag}” must be true or false.`);
		}
	}
	if (!Array.isArray(input.skipFolders)) {
		throw new VdfsError('InvalidInput', 'Skipped folders must be a list of folder names.');
	}
	const names = new Set<string>();
	for (const raw of input.skipFolders as unknown[]) {
		if (typeof raw !== 'string') throw new VdfsError('InvalidInput', 'Each skipped folder must be a folder name.');
		const name = raw.trim();
		if (!name) throw new VdfsError('InvalidInput', 'A skipped folder name cannot be empty.');
		if (name.includes('/')) {
			throw new VdfsError('InvalidInput', `“${name}” is a path; skip a folder by its name alone, without “/”.`);
		}
		if (name.length > MAX_NAME_LENGTH) {
			throw new VdfsError('InvalidInput', `A skipped folder name can be at most ${MAX_NAME_LENGTH} characters.`);
		}
		names.add(name);
	}
	if (names.size > MAX_SKIP_FOLDERS) {
		throw new VdfsError('InvalidInput', `At most ${MAX_SKIP_FOLDERS} folder names can be skipped.`);
	}
	return {
		skipSystemJunk: input.skipSystemJunk,
		skipHidden: input.skipHidden,
		skipFolders: [...names],
		gitignore: input.gitignore
	};
}

export function getLocationRules(lib: OpenLibrary, id: LocationId): IndexerRules {
	const json = lib.sql.value<string>('SELECT rules FROM location WHERE uuid = ?', [id]);
	if (json === undefined)
		throw new VdfsError('NotFound', 'That location is not in this library (it may have been removed).');
	return parseRules(json);
}

/** Whether two rule sets index the same files (the order of skipped folder names does not matter). */
export function sameRules(a: IndexerRules, b: IndexerRules): boolean {
	const names = (r: IndexerRules) => JSON.stringify([...new Set(r.skipFolders)].sort());
	return (
		a.skipSystemJunk === b.skipSystemJunk &&
		a.skipHidden === b.skipHidden &&
		a.gitignore === b.gitignore &&
		names(a) === names(b)
	);
}

/** Stores a location's rules (already cleaned) and stamps the row with a fresh seq, for sync. */
export function saveLocationRules(lib: OpenLibrary, id: LocationId, rules: IndexerRules): void {
	lib.sql.tx(() => {
		const seq = lib.takeSeq(1);
		lib.sql.run('UPDATE location SET rules = ?, seq = ? WHERE uuid = ?', [JSON.stringify(rules), seq, id]);
	});
}
