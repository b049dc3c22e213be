import type { DeviceId, LibraryId } from '../ids';
import type { Sql } from '../db/sql';

export interface ThisDevice {
	id: DeviceId;
	name: string;
	platform: string;
}

/** An open library database together with this device's row in it. */
export class OpenLibrary {
	private constructor(
		readonly id: LibraryId,
		readonly sql: Sql,
		/** Local rowid of this device in this library's `device` table. */
		readonly deviceRowId: number
	) {}

	/** Writes the library's own identity on first open and makes sure this device is a member. */
	static attach(id: LibraryId, sql: Sql, name: string, device: ThisDevice): OpenLibrary {
		const rowId = sql.tx(() => {
			sql.run('INSERT OR IGNORE INTO library_meta (key, value) VALUES (?, ?), (?, ?), (?, ?)', [
				'uuid',
				id,
				'name',
				name,
				'created_at',
				String(Date.now())
			]);
			sql.run(
				`INSERT INTO device (uuid, name, platform) VALUES (?, ?, ?)
				 ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, platform = excluded.platform
				 WHERE device.name IS NOT excluded.name OR device.platform IS NOT excluded.platform`,
				[device.id, device.name, device.platform]
			);
			return sql.value<number>('SELECT id FROM device WHERE uuid = ?', [device.id]) ?? 0;
		});
		return new OpenLibrary(id, sql, rowId);
	}

	get name(): string {
		return this.sql.value<string>("SELECT value FROM library_meta WHERE key = 'name'") ?? '';
	}

	rename(name: string): void {
		this.sql.run("INSERT OR REPLACE INTO library_meta (key, value) VALUES ('name', ?)", [name]);
	}

	/**
	 * Reserves `count` consecutive sequence numbers of this device and returns the first. Call
	 * inside the transaction that stamps them, so a rollback gives them back.
	 */
	takeSeq(count: number): number {
		const first = this.sql.value<number>('SELECT next_seq FROM device WHERE id = ?', [this.deviceRowId]) ?? 1;
		this.sql.run('UPDATE device SET next_seq = ? WHERE id = ?', [first + count, this.deviceRowId]);
		return first;
	}

	close(): void {
		this.sql.close();
	}
}
