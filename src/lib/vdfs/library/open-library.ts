import { VdfsError, toVdfsError } from '../errors';
import type { LibraryId } from '../ids';
import { LIBRARY_APPLICATION_ID, libraryFileName, libraryMigrations } from '../db/library-schema';
import { migrate } from '../db/migrate';
import { pageCacheMiB } from '../db/page-cache';
import { kindFromExtension } from '../identity/kind';
import type { Sql } from '../db/sql';
import type { DbStorage } from '../db/storage';

/**
 * Opens a library file and proves it is a healthy Orrery library before anyone reads it:
 * a foreign SQLite file, a file that is not a database, or a damaged one is refused with an
 * error that names the library, so the UI can offer a way out instead of a blank screen.
 */
export function openLibraryDb(storage: DbStorage, id: LibraryId, { fullCheck = false } = {}): Sql {
	const sql = storage.open(libraryFileName(id));
	try {
		// One connection per file by design (one core per origin); EXCLUSIVE lets WAL run
		// without shared memory, ~45k vs ~30k rows/s here (DESIGN.md §1).
		sql.exec('PRAGMA locking_mode = EXCLUSIVE');
		const appId = sql.value<number>('PRAGMA application_id') ?? 0;
		const version = sql.value<number>('PRAGMA user_version') ?? 0;
		const objects = sql.value<number>('SELECT count(*) FROM sqlite_schema') ?? 0;
		if ((version === 0 && objects > 0) || (version > 0 && appId !== LIBRARY_APPLICATION_ID)) {
			throw new VdfsError('ForeignDatabase', 'This file is a database of another program, not an Orrery library.');
		}
		// A full check reads every page, so it runs only for files from outside (a restored
		// backup). Damage found later, while in use, marks the library broken (Core.#call).
		if (fullCheck) {
			const check = sql.value<string>('PRAGMA quick_check(1)');
			if (check !== 'ok') throw new VdfsError('DatabaseCorrupt', `The library file is damaged (${check}).`);
		}
		sql.exec('PRAGMA journal_mode = WAL');
		// In WAL, NORMAL survives a crash of the tab or browser without corruption; only an OS
		// crash can drop the last commits.
		sql.exec('PRAGMA synchronous = NORMAL');
		sql.exec('PRAGMA foreign_keys = ON');
		// A page cache of 32–128 MiB (SQLite's default is 2 MiB): an index of 100k entries and its
		// FTS pages stay in memory while a walk writes, and searches in a large library do not go
		// back to the VFS for the pages they read last time (db/page-cache.ts).
		sql.exec(`PRAGMA cache_size = -${pageCacheMiB() * 1024}`);
		// What kind a file's name suggests, for files without a content id yet (search filters).
		sql.db.createFunction(
			'orrery_ext_kind',
			(_ctx: number, ext: unknown) => kindFromExtension(String(ext ?? '')).kind,
			{
				deterministic: true,
				arity: 1
			}
		);
		migrate(sql, libraryMigrations, 'library');
		return sql;
	} catch (e) {
		sql.close();
		const err = toVdfsError(e);
		throw new VdfsError(err.code, err.message, { ...err.detail, library: id });
	}
}
