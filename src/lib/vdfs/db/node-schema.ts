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
		`),
	// 2: pairing invites (devices/invites.ts). The secret is kept only until the invite is used,
	// burnt or expired: a one-time 128-bit secret that both devices prove they know.
	(sql) =>
		sql.exec(`
			CREATE TABLE pair_invite (
				id TEXT PRIMARY KEY,
				secret TEXT NOT NULL,
				library TEXT NOT NULL,
				expires_at INTEGER NOT NULL,
				used_at INTEGER,
				failures INTEGER NOT NULL DEFAULT 0
			) STRICT;
		`)
];
