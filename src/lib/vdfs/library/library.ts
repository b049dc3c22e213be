import type { DeviceId, LibraryId } from '../ids';
import type { Sql } from '../db/sql';

export interface ThisDevice {
	id: DeviceId;
	name: string;
	platform: string;
	/** Its libp2p peer id, once the leader tab's node has started (client/p2p). */
	peerId?: string;
}

/** An open library database together with this device's row in it. */
export class OpenLibrary {
	#deviceRowId = 0;

	private constructor(
		readonly id: LibraryId,
		readonly sql: Sql
	) {}

	/**
	 * Stamps the file with its library id (a restored backup takes the id it is registered
	 * under), names it on first open, and makes sure this device is a member.
	 */
	static attach(id: LibraryId, sql: Sql, name: string, device: ThisDevice): OpenLibrary {
		const lib = new OpenLibrary(id, sql);
		sql.tx(() => {
			sql.run(
				"INSERT INTO library_meta (key, value) VALUES ('uuid', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value",
				[id]
			);
			sql.run("INSERT OR IGNORE INTO library_meta (key, value) VALUES ('name', ?), ('created_at', ?)", [
				name,
				String(Date.now())
			]);
			lib.#attachDevice(device);
		});
		return lib;
	}

	/** This device's local rowid in the library's `device` table. */
	get deviceRowId(): number {
		return this.#deviceRowId;
	}

	attachDevice(device: ThisDevice): void {
		this.sql.tx(() => this.#attachDevice(device));
	}

	#attachDevice(device: ThisDevice): void {
		this.sql.run(
			`INSERT INTO device (uuid, name, platform, peer_id) VALUES (?, ?, ?, ?)
			 ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, platform = excluded.platform,
				peer_id = coalesce(excluded.peer_id, device.peer_id)
			 WHERE device.name IS NOT excluded.name OR device.platform IS NOT excluded.platform
				OR device.peer_id IS NOT coalesce(excluded.peer_id, device.peer_id)`,
			[device.id, device.name, device.platform, device.peerId ?? null]
		);
		this.#deviceRowId = this.sql.value<number>('SELECT id FROM device WHERE uuid = ?', [device.id]) ?? 0;
	}

	get name(): string {
		return this.sql.value<string>("SELECT value FROM library_meta WHERE key = 'name'") ?? '';
	}

	rename(name: string): void {
		this.sql.run("INSERT OR REPLACE INTO library_meta (key, value) VALUES ('name', ?)", [name]);
	}

	/** The next sequence number this device would stamp (nothing is reserved). */
	nextSeq(): number {
		return this.sql.value<number>('SELECT next_seq FROM device WHERE id = ?', [this.#deviceRowId]) ?? 1;
	}

	/**
	 * Records that sequence numbers below `next` are used. Call inside the transaction that
	 * stamped them, so a rollback gives them back.
	 */
	useSeqUpTo(next: number): void {
		this.sql.run('UPDATE device SET next_seq = ? WHERE id = ? AND next_seq < ?', [next, this.#deviceRowId, next]);
	}

	/** Reserves `count` consecutive sequence numbers and returns the first (inside a transaction). */
	takeSeq(count: number): number {
		const first = this.nextSeq();
		this.useSeqUpTo(first + count);
		return first;
	}

	close(): void {
		this.sql.close();
	}
}
