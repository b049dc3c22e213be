import { describe, expect, it } from 'vitest';
import { migrate, type Migration } from '../../src/lib/vdfs/db/migrate';
import { LIBRARY_APPLICATION_ID, libraryMigrations } from '../../src/lib/vdfs/db/library-schema';
import { nodeMigrations } from '../../src/lib/vdfs/db/node-schema';
import { Sql } from '../../src/lib/vdfs/db/sql';
import { VdfsError } from '../../src/lib/vdfs/errors';
import { sqlite } from './helpers';

async function memoryDb(): Promise<Sql> {
	const s = await sqlite();
	return new Sql(new s.oo1.DB(':memory:'));
}

describe('migrations', () => {
	it('run in order from user_version, once each, and a second run does nothing', async () => {
		const sql = await memoryDb();
		const ran: number[] = [];
		const steps: Migration[] = [1, 2, 3].map((n) => (db) => {
			ran.push(n);
			db.exec(`CREATE TABLE t${n} (x)`);
		});
		expect(migrate(sql, steps.slice(0, 2), 'test')).toBe(2);
		expect(sql.value('PRAGMA user_version')).toBe(2);
		expect(migrate(sql, steps, 'test')).toBe(3);
		expect(migrate(sql, steps, 'test')).toBe(3);
		expect(ran).toEqual([1, 2, 3]);
	});

	it('roll a failing step back whole, leaving the database at the last good version', async () => {
		const sql = await memoryDb();
		const steps: Migration[] = [
			(db) => db.exec('CREATE TABLE a (x)'),
			(db) => {
				db.exec('CREATE TABLE b (x)');
				throw new Error('boom');
			}
		];
		expect(() => migrate(sql, steps, 'test')).toThrow('boom');
		expect(sql.value('PRAGMA user_version')).toBe(1);
		expect(sql.value("SELECT count(*) FROM sqlite_schema WHERE name = 'b'")).toBe(0);
	});

	it('refuse a database from a newer version with DatabaseTooNew', async () => {
		const sql = await memoryDb();
		sql.exec('PRAGMA user_version = 9');
		const err = (() => {
			try {
				migrate(sql, [() => {}], 'library');
			} catch (e) {
				return e;
			}
		})();
		expect(err).toBeInstanceOf(VdfsError);
		expect((err as VdfsError).code).toBe('DatabaseTooNew');
		expect((err as VdfsError).message).toMatch(/newer version of Orrery/);
	});

	it('give names already indexed their natural-order key (migration 7)', async () => {
		const sql = await memoryDb();
		migrate(sql, libraryMigrations.slice(0, 6), 'library');
		sql.exec(`INSERT INTO device (id, uuid, name) VALUES (1, 'd', 'D');
			INSERT INTO location (id, uuid, device_id, name, kind, created_at, seq) VALUES (1, 'l', 1, 'L', 'opfs', 0, 1);
			INSERT INTO entry (id, uuid, location_id, parent_id, name, is_dir, path, seq) VALUES (1, 'r', 1, NULL, '', 1, '', 1);
			INSERT INTO entry (id, uuid, location_id, parent_id, name, seq) VALUES (2, 'a', 1, 1, 'IMG_010.JPG', 2), (3, 'b', 1, 1, 'Ünïcode 2', 3);`);
		migrate(sql, libraryMigrations, 'library');
		expect(sql.all('SELECT name_key FROM entry ORDER BY id').map((r) => r.name_key)).toEqual([
			'',
			'img_210.jpg',
			'ünïcode 12'
		]);
	});

	it('build the library schema with its application id, FTS index and sync columns', async () => {
		const sql = await memoryDb();
		migrate(sql, libraryMigrations, 'library');
		expect(sql.value('PRAGMA application_id')).toBe(LIBRARY_APPLICATION_ID);
		const tables = sql
			.all<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
			.map((r) => r.name);
		for (const t of ['content', 'device', 'entry', 'entry_fts', 'library_meta', 'location', 'tombstone'])
			expect(tables).toContain(t);
		const entryColumns = sql.all<{ name: string }>('PRAGMA table_info(entry)').map((r) => r.name);
		expect(entryColumns).toEqual(expect.arrayContaining(['uuid', 'seq', 'cas_id', 'path', 'hidden']));
		expect(sql.value('PRAGMA foreign_key_check')).toBeUndefined();
	});

	it('build the node schema', async () => {
		const sql = await memoryDb();
		migrate(sql, nodeMigrations, 'settings');
		expect(sql.value("SELECT count(*) FROM sqlite_schema WHERE name IN ('setting', 'library')")).toBe(2);
	});
});
