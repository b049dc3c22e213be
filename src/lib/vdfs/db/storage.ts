import type { Sql } from './sql';

/**
 * Where database files live. The worker uses the opfs-sahpool VFS; Node tests use Emscripten's
 * in-memory file system. Names are absolute paths such as `/library-<uuid>.sqlite3`.
 */
export interface DbStorage {
	/** Opens (creating if missing) a database file. */
	open(name: string): Sql;
	/** Names of the database files this storage holds (journals excluded). */
	list(): string[];
	exists(name: string): boolean;
	/** Deletes a closed database file. */
	remove(name: string): void;
	/** The bytes of a closed database file. */
	read(name: string): Uint8Array;
	/** Writes raw bytes as a database file, replacing any file of that name. */
	write(name: string, bytes: Uint8Array): Promise<void>;
	/**
	 * Moves a (damaged) database file out of the way, keeping its bytes where the user can
	 * download them, and returns the name it is kept under.
	 */
	setAside(name: string): Promise<string>;
	/** Files set aside so far. */
	listSetAside(): Promise<string[]>;
	readSetAside(name: string): Promise<Uint8Array>;
	/**
	 * The browser error behind the last failed write, if any, cleared by reading it. SQLite
	 * reports a failed OPFS write as a bare SQLITE_IOERR; this tells a full disk apart.
	 */
	takeFault?(): Error | undefined;
	/** Makes room for at least `files` open database files (the sahpool has fixed slots). */
	reserve(files: number): Promise<void>;
}
