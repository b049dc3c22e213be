import sqlite3InitModule, { type Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { Core } from '../../src/lib/vdfs/core';
import type { ChangeEvent } from '../../src/lib/vdfs/events';

let sqlite3: Promise<Sqlite3Static> | undefined;

/** One sqlite-wasm instance per test file; each test gets its own directory of files. */
export function sqlite(): Promise<Sqlite3Static> {
	sqlite3 ??= sqlite3InitModule();
	return sqlite3;
}

export async function startCore(
	storage?: MemoryStorage
): Promise<{ core: Core; storage: MemoryStorage; events: ChangeEvent[] }> {
	const events: ChangeEvent[] = [];
	const s = storage ?? new MemoryStorage(await sqlite(), crypto.randomUUID());
	const core = await Core.start({ storage: s, emit: (e) => events.push(e), defaultDeviceName: 'Test device' });
	return { core, storage: s, events };
}
