import { VdfsError } from '../errors';
import type { Sql } from './sql';

/** Migration N (1-based) brings the schema from user_version N-1 to N. Never edit a shipped one. */
export type Migration = (sql: Sql) => void;

/**
 * Runs the numbered migrations past PRAGMA user_version, each in its own transaction with the
 * version bump, so a crash leaves the database at a whole version.
 */
export function migrate(sql: Sql, migrations: readonly Migration[], what: string): number {
	const current = sql.value<number>('PRAGMA user_version') ?? 0;
	if (current > migrations.length) {
		throw new VdfsError(
			'DatabaseTooNew',
			`This ${what} was written by a newer version of Orrery (schema ${current}, this version knows ${migrations.length}). Update Orrery to open it.`
		);
	}
	for (let version = current + 1; version <= migrations.length; version++) {
		sql.tx(() => {
			migrations[version - 1](sql);
			sql.exec(`PRAGMA user_version = ${version}`);
		});
	}
	return migrations.length;
}
