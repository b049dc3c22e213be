import type { Migration } from './migrate';

/**
 * The node database: settings of this browser profile that are not part of any library
 * (device identity and name, current library) and the registry of library files.
 */
export const NODE_DB = '/orrery-node.sqlite3';

export const nodeMigrations: readonly Migration[] = [
	(sql) =>
		sql.exec(`
			CREATE TABLE setting (
				key TEXT PRIMARY KEY,
				value TEXT NOT NULL
			) STRICT;
			CREATE TABLE library (
				uuid TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				created_at INTEGER NOT NULL
			) STRICT;
		`)
];
