import { describe, expect, it } from 'vitest';
import { Core } from '../../src/lib/vdfs/core';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { VdfsError } from '../../src/lib/vdfs/errors';
import type { ChangeEvent } from '../../src/lib/vdfs/events';
import { MemoryRoots } from '../../src/lib/vdfs/fs/memory-roots';
import type { MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import type { FileSource } from '../../src/lib/vdfs/fs/source';
import { DEFAULT_RULES } from '../../src/lib/vdfs/indexer/rules';
import type { IndexerRules, JobId, JobSummary, LocationId, LocationKind } from '../../src/lib/vdfs/api';
import { sqlite, waitForJobs } from './helpers';

const file = (size: number) => ({ size, mtime: 1 });

/** 5 folders of 3 files (1 + 2 + 3 bytes), and a `build` folder at two depths. */
const TREE: MemoryTree = {
	...Object.fromEntries(
		Array.from({ length: 5 }, (_, d) => [`dir ${d}`, { 'a.txt': file(1), 'b.txt': file(2), 'c.txt': file(3) }])
	),
	build: { 'out.js': file(100), 'out.map': file(200) },
	'dir 0-extra': { build: { 'deep.js': file(1000) } }
};

/** MemoryRoots whose snapshots lose their files, as a page reload does in the browser. */
class ForgetfulRoots extends MemoryRoots {
	readonly forgotten = new Set<LocationId>();

	override source(location: { id: LocationId; kind: LocationKind }): Promise<FileSource> {
		if (this.forgotten.has(location.id)) {
			return Promise.reject(new VdfsError('NotReadable', 'Import the folder again to update it.'));
		}
		return super.source(location);
	}
}

async function start() {
	const roots = new ForgetfulRoots();
	const events: ChangeEvent[] = [];
	const storage = new MemoryStorage(await sqlite(), crypto.randomUUID());
	const core = await Core.start({ storage, roots, emit: (e) => events.push(e) });
	await core.createLibrary({ name: 'L' });
	return { core, roots, events };
}

async function addLocation(core: Core, roots: MemoryRoots, tree: MemoryTree, kind: LocationKind = 'opfs') {
	const id = crypto.randomUUID() as LocationId;
	await roots.attach({ id });
	roots.sources.get(id)!.tree = structuredClone(tree);
	// MemoryRoots reads the tree; a snapshot only needs some files to be accepted.
	const files = kind === 'snapshot' ? [{ path: 'x', file: new File([], 'x') }] : undefined;
	await core.addLocation({ name: 'Home', kind, id, files });
	await jobDone(core);
	return id;
}

/** Waits for a job (by default: every job) to be done. */
async function jobDone(core: Core, id?: JobId | null): Promise<JobSummary> {
	const jobs = await waitForJobs(core, (js) =>
		id ? js.some((j) => j.id === id && j.state === 'done') : js.length > 0 && js.every((j) => j.state === 'done')
	);
	return id ? jobs.find((j) => j.id === id)! : jobs[0];
}

async function refused(p: Promise<unknown>): Promise<VdfsError> {
	const err = await p.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(VdfsError);
	expect((err as VdfsError).code).toBe('InvalidInput');
	return err as VdfsError;
}

async function paths(core: Core, loc: LocationId, dir = ''): Promise<string[]> {
	const out: string[] = [];
	for (const e of await core.listChildren(loc, dir)) {
		const path = dir ? `${dir}/${e.name}` : e.name;
		out.push(path);
		if (e.isDir) out.push(...(await paths(core, loc, path)));
	}
	return out;
}

const rules = (over: Partial<IndexerRules>): IndexerRules => ({ ...DEFAULT_RULES, ...over });

describe('location rules', () => {
	it('round-trip: defaults first, then the saved rules trimmed and deduplicated; the same rules again queue nothing', async () => {
		const { core, roots, events } = await start();
		const loc = await addLocation(core, roots, TREE);
		expect(await core.locationRules(loc)).toEqual(DEFAULT_RULES);

		events.length = 0;
		const job = await core.setLocationRules(loc, {
			skipSystemJunk: false,
			skipHidden: true,
			skipFolders: [' build ', 'node_modules', 'build', '.git'],
			gitignore: false
		});
		expect(job).not.toBeNull();
		const saved = {
			skipSystemJunk: false,
			skipHidden: true,
			skipFolders: ['build', 'node_modules', '.git'],
			gitignore: false
		};
		expect(await core.locationRules(loc)).toEqual(saved);
		expect(events).toContainEqual(expect.objectContaining({ topic: 'location', ids: [loc] }));
		await jobDone(core, job);

		events.length = 0;
		const jobsBefore = (await core.listJobs()).length;
		expect(await core.setLocationRules(loc, { ...saved, skipFolders: ['.git', 'build', 'node_modules'] })).toBeNull();
		expect((await core.listJobs()).length).toBe(jobsBefore);
		expect(events.filter((e) => e.topic === 'location')).toEqual([]);
	});

	it('invalid rules are refused with InvalidInput and the stored rules stay as they were', async () => {
		const { core, roots } = await start();
		const loc = await addLocation(core, roots, TREE);
		const bad: unknown[] = [
			rules({ skipFolders: ['ok', '  '] }),
			rules({ skipFolders: ['photos/raw'] }),
			rules({ skipFolders: [42] as unknown as string[] }),
			rules({ skipFolders: 'build' as unknown as string[] }),
			rules({ skipFolders: Array.from({ length: 201 }, (_, i) => `f${i}`) }),
			rules({ skipHidden: 'yes' as unknown as boolean }),
			{ skipSystemJunk: true, skipHidden: false, skipFolders: [] },
			null
		];
		for (const input of bad) await refused(core.setLocationRules(loc, input as IndexerRules));
		expect((await refused(core.setLocationRules(loc, rules({ skipFolders: ['a/b'] })))).message).toMatch(/“a\/b”/);
		expect(await core.locationRules(loc)).toEqual(DEFAULT_RULES);
		// 200 names (the limit) after deduplication are fine.
		const many = Array.from({ length: 200 }, (_, i) => `f${i}`);
		expect(await core.setLocationRules(loc, rules({ skipFolders: [...many, 'f0'] }))).not.toBeNull();
		expect((await core.locationRules(loc)).skipFolders).toEqual(many);
	});

	it('skipping a folder name takes those folders out of the index at every depth; un-skipping brings them back', async () => {
		const { core, roots } = await start();
		const loc = await addLocation(core, roots, TREE);
		const all = await paths(core, loc);
		expect(all).toContain('build/out.js');
		expect(all).toContain('dir 0-extra/build/deep.js');
		expect((await core.listLocations())[0]).toMatchObject({ totalFiles: 18, totalDirs: 8, totalBytes: 1330 });

		const skip = await core.setLocationRules(loc, rules({ skipFolders: [...DEFAULT_RULES.skipFolders, 'build'] }));
		await jobDone(core, skip);
		const skipped = await paths(core, loc);
		expect(skipped.filter((p) => p.split('/').includes('build'))).toEqual([]);
		expect(skipped).toEqual(all.filter((p) => !p.split('/').includes('build')));
		expect((await core.listLocations())[0]).toMatchObject({ totalFiles: 15, totalDirs: 6, totalBytes: 30 });
		expect(await core.searchNames('deep')).toEqual([]);

		const unskip = await core.setLocationRules(loc, DEFAULT_RULES);
		await jobDone(core, unskip);
		expect(await paths(core, loc)).toEqual(all);
		expect((await core.listLocations())[0]).toMatchObject({ totalFiles: 18, totalDirs: 8, totalBytes: 1330 });
	});

	it('new rules during a running index restart that job from the top, not from its checkpoint', async () => {
		const { core, roots } = await start();
		const id = crypto.randomUUID() as LocationId;
		await roots.attach({ id });
		const source = roots.sources.get(id)!;
		// Walked breadth-first: `build`, then enough files for a batched write (a checkpoint past
		// `build`), then `zz`, which waits until the job is stopped.
		source.tree = {
			build: { 'out.js': file(100) },
			many: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}.txt`, file(1)])),
			zz: { 'z.txt': file(1) }
		};
		let held = false;
		const list = source.list.bind(source);
		source.list = async (dir, signal) => {
			if (dir === 'zz' && !held) {
				held = true;
				await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
			}
			return list(dir, signal);
		};
		await core.addLocation({ name: 'Home', kind: 'opfs', id });
		// `written` > 0: a batch is in the index and a checkpoint saved (whatever the batch size).
		const [running] = await waitForJobs(core, (j) => held && j[0]?.state === 'running' && j[0].progress.written > 0);
		expect(running.progress.files).toBe(5001);

		const job = await core.setLocationRules(id, rules({ skipFolders: ['build'] }));
		expect(job).toBe(running.id);
		await jobDone(core, job);
		expect((await paths(core, id)).filter((p) => p.startsWith('build'))).toEqual([]);
		expect((await core.listLocations())[0]).toMatchObject({ totalFiles: 5001, totalDirs: 2 });
	});

	it('an imported copy is rescanned while its files are here; without them the rules are saved and nothing is queued', async () => {
		const { core, roots } = await start();
		const loc = await addLocation(core, roots, TREE, 'snapshot');
		const job = await core.setLocationRules(loc, rules({ skipFolders: ['build'] }));
		expect(job).not.toBeNull();
		await jobDone(core, job);
		expect((await core.listLocations())[0]).toMatchObject({ totalFiles: 15 });

		roots.forgotten.add(loc);
		const jobsBefore = await core.listJobs();
		expect(await core.setLocationRules(loc, DEFAULT_RULES)).toBeNull();
		expect(await core.locationRules(loc)).toEqual(DEFAULT_RULES);
		expect(await core.listJobs()).toEqual(jobsBefore);
	});

	it('rules of a location that is not in the library: NotFound', async () => {
		const { core } = await start();
		const missing = crypto.randomUUID() as LocationId;
		await expect(core.locationRules(missing)).rejects.toMatchObject({ code: 'NotFound' });
		await expect(core.setLocationRules(missing, DEFAULT_RULES)).rejects.toMatchObject({ code: 'NotFound' });
	});
});
