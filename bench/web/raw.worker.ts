/// <reference lib="webworker" />
/**
 * The raw baseline of `bench db`: a plain prepared-statement insert loop into the same schema
 * on the same VFS (opfs-sahpool, its own pool directory) with the same pragmas and ids as the core.
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { libraryMigrations } from '../../src/lib/vdfs/db/library-schema';
import { migrate } from '../../src/lib/vdfs/db/migrate';
import { Sql } from '../../src/lib/vdfs/db/sql';
import { newId } from '../../src/lib/vdfs/ids';
import { benchTree } from './rows.js';

self.onmessage = async (event: MessageEvent<{ dirs: number; perDir: number }>) => {
	try {
		const sqlite3 = await sqlite3InitModule();
		const pool = await sqlite3.installOpfsSAHPoolVfs({ name: 'bench-raw', directory: '.bench-raw', clearOnInit: true });
		const sql = new Sql(new pool.OpfsSAHPoolDb('/raw.sqlite3'));
		sql.exec('PRAGMA locking_mode = EXCLUSIVE');
		sql.exec('PRAGMA journal_mode = WAL');
		sql.exec('PRAGMA synchronous = NORMAL');
		sql.exec('PRAGMA foreign_keys = ON');
		migrate(sql, libraryMigrations, 'library');
		sql.exec("INSERT INTO device (uuid, name) VALUES ('d', 'd')");
		sql.exec("INSERT INTO location (uuid, device_id, name, kind, created_at, seq) VALUES ('l', 1, 'l', 'opfs', 0, 1)");
		sql.exec(
			"INSERT INTO entry (uuid, location_id, parent_id, name, is_dir, path, seq) VALUES ('root', 1, NULL, '', 1, '', 1)"
		);

		const { dirs, files } = benchTree(event.data.dirs, event.data.perDir);
		const insert = sql.prepared(
			'INSERT INTO entry (uuid, location_id, parent_id, name, extension, is_dir, size, mtime, path, hidden, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
		);
		let seq = 2;
		const started = performance.now();
		sql.tx(() => {
			for (const d of dirs) {
				insert.bind([newId(), 1, 1, d.path, '', 1, 0, d.mtime, d.path, 0, seq++]).step();
				insert.reset(true);
			}
		});
		const dirIds = sql.all<{ id: number; path: string }>('SELECT id, path FROM entry WHERE is_dir = 1');
		const idOf = new Map(dirIds.map((r) => [r.path, r.id]));
		for (const batch of files) {
			sql.tx(() => {
				for (const f of batch) {
					const slash = f.path.lastIndexOf('/');
					const name = f.path.slice(slash + 1);
					insert
						.bind([
							newId(),
							1,
							idOf.get(f.path.slice(0, slash)) ?? 1,
							name,
							name.slice(name.lastIndexOf('.') + 1),
							0,
							f.size,
							f.mtime,
							null,
							0,
							seq++
						])
						.step();
					insert.reset(true);
				}
			});
		}
		const ms = performance.now() - started;
		const rows = dirs.length + files.reduce((n, b) => n + b.length, 0);
		sql.close();
		await pool.removeVfs();
		self.postMessage({ ok: true, rows, ms });
	} catch (e) {
		self.postMessage({ ok: false, error: String(e) });
	}
};
