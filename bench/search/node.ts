/**
 * The Node side of the search bench, bundled by Vite (bench/search.js builds it): the library
 * generator, and the core's own search run on the generated database to show which plan each
 * query took.
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import type { DeviceId, LibraryId } from '../../src/lib/vdfs/api';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { libraryFileName } from '../../src/lib/vdfs/db/library-schema';
import { OpenLibrary } from '../../src/lib/vdfs/library/library';
import { openLibraryDb } from '../../src/lib/vdfs/library/open-library';
import { buildLibrary } from './library';

export { search, explainSearch, CAP } from '../../src/lib/vdfs/search/query';
export { NOW } from './library';

export async function generate(options: Parameters<typeof buildLibrary>[1]) {
	return buildLibrary(await sqlite3InitModule(), options);
}

/** Opens a library file in memory, as the core would (for trying queries without a browser). */
export async function load(bytes: Uint8Array, deviceId: DeviceId): Promise<OpenLibrary> {
	const storage = new MemoryStorage(await sqlite3InitModule(), 'bench-load');
	const id = crypto.randomUUID() as LibraryId;
	await storage.write(libraryFileName(id), bytes);
	return OpenLibrary.attach(id, openLibraryDb(storage, id), 'Bench', {
		id: deviceId,
		name: 'Laptop',
		platform: 'Linux'
	});
}
