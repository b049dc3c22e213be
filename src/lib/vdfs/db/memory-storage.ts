import type { Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import { Sql } from './sql';
import type { DbStorage } from './storage';

/** DbStorage on Emscripten's in-memory file system: Node tests and benchmarks' baselines. */
export class MemoryStorage implements DbStorage {
	#names = new Set<string>();
	/** Bytes given to write(), kept so that a file SQLite cannot open can still be read back. */
	#raw = new Map<string, Uint8Array>();
	#setAside = new Map<string, Uint8Array>();

	/** @param prefix a file-name prefix that keeps this storage's files apart from others in the process */
	constructor(
		private readonly sqlite3: Sqlite3Static,
		private readonly prefix = ''
	) {}

	open(name: string): Sql {
		this.#names.add(name);
		return new Sql(new this.sqlite3.oo1.DB(this.#path(name), 'c'));
	}

	#path(name: string): string {
		return this.prefix ? `/${this.prefix}-${name.replace(/^\//, '')}` : name;
	}

	list(): string[] {
		return [...this.#names];
	}

	exists(name: string): boolean {
		return this.#names.has(name);
	}

	remove(name: string): void {
		// MEMFS has no unlink in the public API; an empty file is an empty database.
		this.sqlite3.capi.sqlite3_js_posix_create_file(this.#path(name), new Uint8Array(0));
		this.#names.delete(name);
		this.#raw.delete(name);
	}

	read(name: string): Uint8Array {
		try {
			const db = new this.sqlite3.oo1.DB(this.#path(name), 'c');
			try {
				// A WAL file opens only in exclusive mode (no shared memory here), and
				// sqlite3_serialize fails on WAL; rollback mode folds the WAL in.
				db.exec('PRAGMA locking_mode = EXCLUSIVE');
				db.exec('PRAGMA journal_mode = DELETE');
				return this.sqlite3.capi.sqlite3_js_db_export(db);
			} finally {
				db.close();
			}
		} catch (e) {
			const raw = this.#raw.get(name);
			if (raw) return raw;
			throw e;
		}
	}

	write(name: string, bytes: Uint8Array): Promise<void> {
		this.sqlite3.capi.sqlite3_js_posix_create_file(this.#path(name), bytes);
		this.#names.add(name);
		this.#raw.set(name, bytes.slice());
		return Promise.resolve();
	}

	setAside(name: string): Promise<string> {
		const kept = `${name.replace(/^\//, '')}.${Date.now()}.damaged`;
		this.#setAside.set(kept, this.read(name));
		this.remove(name);
		return Promise.resolve(kept);
	}

	listSetAside(): Promise<string[]> {
		return Promise.resolve([...this.#setAside.keys()]);
	}

	readSetAside(name: string): Promise<Uint8Array> {
		const bytes = this.#setAside.get(name);
		return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`No set-aside file ${name}`));
	}

	reserve(): Promise<void> {
		return Promise.resolve();
	}
}
