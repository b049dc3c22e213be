import type { LibraryId } from '../ids';
import type { Sql } from '../db/sql';

/** The node database's list of libraries: names survive even when a library file is damaged. */
export interface RegistryRow {
	uuid: LibraryId;
	name: string;
	created_at: number;
}

export function registryRows(node: Sql): RegistryRow[] {
	return node.all<RegistryRow>('SELECT uuid, name, created_at FROM library ORDER BY created_at, uuid');
}

export function registryAdd(node: Sql, row: RegistryRow): void {
	node.run('INSERT OR IGNORE INTO library (uuid, name, created_at) VALUES (?, ?, ?)', [
		row.uuid,
		row.name,
		row.created_at
	]);
}

export function registryRename(node: Sql, id: LibraryId, name: string): void {
	node.run('UPDATE library SET name = ? WHERE uuid = ?', [name, id]);
}

export function registryRemove(node: Sql, id: LibraryId): void {
	node.run('DELETE FROM library WHERE uuid = ?', [id]);
}

export function getSetting(node: Sql, key: string): string | undefined {
	return node.value<string>('SELECT value FROM setting WHERE key = ?', [key]);
}

export function setSetting(node: Sql, key: string, value: string | null): void {
	if (value === null) node.run('DELETE FROM setting WHERE key = ?', [key]);
	else
		node.run('INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
			key,
			value
		]);
}
