import sqlite3InitModule, { type Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { Core } from '../../src/lib/vdfs/core';
import type { ChangeEvent } from '../../src/lib/vdfs/events';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import type { MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import type { DeviceId, JobKind, JobSummary, LibraryId, LocationId } from '../../src/lib/vdfs/api';
import { OpenLibrary } from '../../src/lib/vdfs/library/library';
import { openLibraryDb } from '../../src/lib/vdfs/library/open-library';

let sqlite3: Promise<Sqlite3Static> | undefined;

/** One sqlite-wasm instance per test file; each test gets its own directory of files. */
export function sqlite(): Promise<Sqlite3Static> {
	sqlite3 ??= sqlite3InitModule();
	return sqlite3;
}

/** A library open in memory, without a core (for the library's own functions), on this device. */
export async function openMemoryLibrary(device = { id: crypto.randomUUID() as DeviceId, name: 'Laptop' }) {
	const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
	const id = crypto.randomUUID() as LibraryId;
	return OpenLibrary.attach(id, openLibraryDb(storage, id), 'L', { ...device, platform: '' });
}

export async function startCore(
	storage?: MemoryStorage
): Promise<{ core: Core; storage: MemoryStorage; events: ChangeEvent[] }> {
	const events: ChangeEvent[] = [];
	const s = storage ?? new MemoryStorage(await sqlite(), crypto.randomUUID());
	const core = await Core.start({ storage: s, emit: (e) => events.push(e), defaultDeviceName: 'Test device' });
	return { core, storage: s, events };
}

export function gridTree(dirs: number, files: number): MemoryTree {
	const t: MemoryTree = {};
	for (let d = 0; d < dirs; d++)
		t[`dir ${d}`] = Object.fromEntries(
			Array.from({ length: files }, (_, i) => [`file-${i}.txt`, { size: i + 1, mtime: 1 }])
		);
	return t;
}

export async function startWithRoots(storage?: MemoryStorage, roots = new MemoryRoots()) {
	const s = storage ?? new MemoryStorage(await sqlite(), crypto.randomUUID());
	const core = await Core.start({ storage: s, roots });
	return { core, storage: s, roots };
}

/**
 * Polls the job list (newest first) until `done` holds. It sees index jobs only unless told
 * otherwise: every index job is followed by an identify job, which most tests leave aside.
 */
export async function waitForJobs(
	core: Core,
	done: (jobs: JobSummary[]) => boolean,
	ms = 10_000,
	kinds: readonly JobKind[] = ['index']
): Promise<JobSummary[]> {
	const until = Date.now() + ms;
	for (;;) {
		const jobs = (await core.listJobs()).filter((j) => kinds.includes(j.kind));
		if (done(jobs)) return jobs;
		if (Date.now() > until)
			throw new Error(`timed out: ${JSON.stringify(jobs.map((j) => [j.state, j.progress.phase]))}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/** The memory source of a location not added yet, holding `files`: a test may wrap its reads first. */
export async function memorySource(roots: MemoryRoots, files: MemoryTree) {
	const id = crypto.randomUUID() as LocationId;
	await roots.attach({ id });
	const source = roots.sources.get(id)!;
	source.tree = files;
	return { id, source };
}

/** A core with a library and the memory source of a location that `add()` adds (see memorySource). */
export async function libraryWithSource(files: MemoryTree) {
	const roots = new MemoryRoots();
	const { core } = await startWithRoots(undefined, roots);
	await core.createLibrary({ name: 'L' });
	const { id, source } = await memorySource(roots, files);
	const add = () => core.addLocation({ name: 'Home', kind: 'opfs', id });
	return { core, roots, id, source, add };
}

/** Adds a location whose files are `files`, before the first index job runs. */
export async function addMemoryLocation(core: Core, roots: MemoryRoots, files: MemoryTree): Promise<LocationId> {
	const { id } = await memorySource(roots, files);
	await core.addLocation({ name: 'Home', kind: 'opfs', id });
	return id;
}

/**
 * Starts a core with a library and a location whose first walk stops at the folder `holdAt`
 * (its first listing only) until `release()` or an abort; resolves once that job runs.
 */
export async function heldLocation(files: MemoryTree, holdAt: string) {
	const { core, roots, id, source, add } = await libraryWithSource(files);
	let release!: () => void;
	const held = new Promise<void>((r) => (release = r));
	const list = source.list.bind(source);
	let walked = false;
	source.list = async (dir, signal, options) => {
		if (dir === holdAt && !walked) {
			walked = true;
			await Promise.race([held, new Promise((_, abort) => signal?.addEventListener('abort', abort))]);
		}
		return list(dir, signal, options);
	};
	await add();
	const [job] = await waitForJobs(core, (js) => js[0]?.state === 'running');
	return { core, roots, id, source, job, release };
}
