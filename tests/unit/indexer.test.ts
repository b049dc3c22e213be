import { describe, expect, it } from 'vitest';
import type { LocationId } from '../../src/lib/vdfs/ids';
import { indexLocation, type IndexProblem } from '../../src/lib/vdfs/indexer/indexer';
import { DEFAULT_RULES, type IndexerRules } from '../../src/lib/vdfs/indexer/rules';
import { MemorySource, type MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import { OpenLibrary } from '../../src/lib/vdfs/library/library';
import { createLocation } from '../../src/lib/vdfs/locations/locations';
import type { DeviceId } from '../../src/lib/vdfs/ids';
import { openMemoryLibrary } from './helpers';

async function setup(tree: MemoryTree) {
	const lib = await openMemoryLibrary({ id: crypto.randomUUID() as DeviceId, name: 'd' });
	const loc = createLocation(lib, { name: 'Home', kind: 'opfs' }).id as LocationId;
	return { lib, loc, source: new MemorySource(tree) };
}

function indexed(lib: OpenLibrary): string[] {
	return lib.sql
		.all<{ p: string }>(
			`WITH RECURSIVE t(id, p) AS (SELECT id, '' FROM entry WHERE parent_id IS NULL
			 UNION ALL SELECT e.id, CASE WHEN t.p = '' THEN e.name ELSE t.p || '/' || e.name END FROM entry e JOIN t ON e.parent_id = t.id)
			 SELECT p FROM t WHERE p != '' ORDER BY p`
		)
		.map((r) => r.p);
}

const f = (size: number, mtime = 1) => ({ size, mtime });

async function run(lib: OpenLibrary, loc: LocationId, source: MemorySource, rules: Partial<IndexerRules> = {}) {
	const problems: IndexProblem[] = [];
	const result = await indexLocation(lib, loc, source, {
		rules: { ...DEFAULT_RULES, ...rules },
		onProblem: (p) => problems.push(p)
	});
	return { result, problems };
}

describe('indexer', () => {
	it('indexes a tree with folder totals and location totals', async () => {
		const { lib, loc, source } = await setup({
			a: { 'x.txt': f(10), b: { 'y.jpg': f(20), 'z.jpg': f(5) } },
			'top.md': f(1)
		});
		const { result } = await run(lib, loc, source);
		expect(indexed(lib)).toEqual(['a', 'a/b', 'a/b/y.jpg', 'a/b/z.jpg', 'a/x.txt', 'top.md']);
		expect(result).toMatchObject({ files: 4, bytes: 36, dirsDone: 3, phase: 'done' });
		const dirs = Object.fromEntries(
			lib.sql
				.all<{ path: string; size: number; file_count: number }>(
					'SELECT path, size, file_count FROM entry WHERE is_dir = 1'
				)
				.map((r) => [r.path, [r.size, r.file_count]])
		);
		expect(dirs).toEqual({ '': [36, 4], a: [35, 3], 'a/b': [25, 2] });
		expect(lib.sql.get('SELECT total_files, total_dirs, total_bytes FROM location')).toEqual({
			total_files: 4,
			total_dirs: 2,
			total_bytes: 36
		});
	});

	it('a rescan of an unchanged tree writes nothing; changes, renames and deletes are applied', async () => {
		const { lib, loc, source } = await setup({ docs: { 'a.txt': f(1), 'b.txt': f(2) }, old: { 'c.txt': f(3) } });
		await run(lib, loc, source);
		const before = lib.sql.value<number>('PRAGMA data_version');
		const changesBefore = lib.sql.value<number>('SELECT total_changes()');
		const { result } = await run(lib, loc, source);
		expect(result.written).toBe(0);
		// Only the location's last-indexed time is written.
		expect((lib.sql.value<number>('SELECT total_changes()') ?? 0) - (changesBefore ?? 0)).toBe(1);
		void before;

		source.set('docs/a.txt', f(100, 2));
		source.set('docs/b.txt', undefined);
		source.set('docs/b-renamed.txt', f(2));
		source.set('old', undefined);
		source.set('new/d.txt', f(4));
		const { result: again } = await run(lib, loc, source);
		expect(indexed(lib)).toEqual(['docs', 'docs/a.txt', 'docs/b-renamed.txt', 'new', 'new/d.txt']);
		expect(again.written).toBeGreaterThan(0);
		expect(lib.sql.get('SELECT total_files, total_bytes FROM location')).toEqual({ total_files: 3, total_bytes: 106 });
		// Deletes leave tombstones for sync (the folder `old`; b.txt was renamed, so it keeps its
		// id and leaves none); the FTS index holds exactly the live entries.
		expect(lib.sql.value('SELECT count(*) FROM tombstone')).toBe(1);
		expect(lib.sql.value('SELECT count(*) FROM entry_fts_docsize')).toBe(lib.sql.value('SELECT count(*) FROM entry'));
	});

	it('applies the default rules: junk, .git, node_modules and .gitignore; hidden files only when asked', async () => {
		const tree: MemoryTree = {
			'.DS_Store': f(1),
			'Thumbs.db': f(1),
			'._resource': f(1),
			'.git': { HEAD: f(1) },
			node_modules: { lib: { 'x.js': f(1) } },
			'.gitignore': f(0),
			'.env': f(1),
			src: { '.gitignore': f(0), 'keep.ts': f(1), 'gen.ts': f(1), build: { 'out.js': f(1) } },
			'debug.log': f(1),
			'keep.txt': f(1)
		};
		const { lib, loc, source } = await setup(tree);
		const texts: Record<string, string> = { '.gitignore': '*.log\n', 'src/.gitignore': 'gen.ts\nbuild/\n' };
		const file = source.file.bind(source);
		source.file = async (path: string) => (path in texts ? new File([texts[path]], '.gitignore') : file(path));
		await run(lib, loc, source);
		expect(indexed(lib)).toEqual(['.env', '.gitignore', 'keep.txt', 'src', 'src/.gitignore', 'src/keep.ts']);
		await run(lib, loc, source, { skipHidden: true, gitignore: false, skipFolders: [] });
		expect(indexed(lib)).toEqual([
			'debug.log',
			'keep.txt',
			'node_modules',
			'node_modules/lib',
			'node_modules/lib/x.js',
			'src',
			'src/build',
			'src/build/out.js',
			'src/gen.ts',
			'src/keep.ts'
		]);
	});

	it('reports unreadable files and vanished folders and goes on with the rest', async () => {
		const { lib, loc, source } = await setup({
			ok: { 'a.txt': f(1) },
			'locked.bin': { size: 5, mtime: 1, unreadable: true },
			gone: { 'b.txt': f(1) }
		});
		const list = source.list.bind(source);
		source.list = (dir, signal) =>
			dir === 'gone' ? Promise.reject(Object.assign(new Error('gone'), { name: 'NotFoundError' })) : list(dir, signal);
		const { problems } = await run(lib, loc, source);
		expect(problems.map((p) => [p.path, p.code])).toEqual([
			['locked.bin', 'NotReadable'],
			['gone', 'NotFound']
		]);
		expect(indexed(lib)).toEqual(['gone', 'ok', 'ok/a.txt']);
	});

	it('handles any Unicode, very long names, 0-byte and > 4 GiB files, and 200 levels of folders', async () => {
		const names = ['日本語.txt', '🚀🌍.md', 'e\u0301cole', 'x'.repeat(255), 'sp ace  ', 'q\'uo"te'];
		const tree: MemoryTree = Object.fromEntries(names.map((n) => [n, f(1)]));
		tree['empty'] = f(0);
		tree['huge.iso'] = f(5 * 2 ** 30);
		let deep: MemoryTree = { 'bottom.txt': f(7) };
		for (let i = 199; i >= 0; i--) deep = { [`d${i}`]: deep };
		Object.assign(tree, deep);
		const { lib, loc, source } = await setup(tree);
		const { result, problems } = await run(lib, loc, source);
		expect(problems).toEqual([]);
		expect(result.files).toBe(names.length + 3);
		expect(result.bytes).toBe(names.length + 5 * 2 ** 30 + 7);
		expect(lib.sql.value('SELECT count(*) FROM entry WHERE is_dir = 1 AND parent_id IS NOT NULL')).toBe(200);
		expect(lib.sql.value('SELECT size FROM entry WHERE path = ?', ['d0'])).toBe(7);
	});

	it('resumes from a checkpoint without duplicating rows', async () => {
		const tree: MemoryTree = {};
		for (let d = 0; d < 30; d++)
			tree[`d${d}`] = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, f(i)]));
		const { lib, loc, source } = await setup(tree);
		const controller = new AbortController();
		let checkpoint;
		await expect(
			indexLocation(lib, loc, source, {
				rules: DEFAULT_RULES,
				batchSize: 100,
				signal: controller.signal,
				onCheckpoint: (c) => {
					checkpoint = c;
					if (c.done.dirsDone >= 10) controller.abort();
				}
			})
		).rejects.toThrow();
		expect(checkpoint).toBeDefined();
		const partial = lib.sql.value<number>('SELECT count(*) FROM entry');
		expect(partial).toBeGreaterThan(1);
		const result = await indexLocation(lib, loc, source, { rules: DEFAULT_RULES, resumeFrom: checkpoint });
		expect(result.files).toBe(1500);
		expect(lib.sql.value('SELECT count(*) FROM entry WHERE is_dir = 0')).toBe(1500);
		expect(
			lib.sql.value('SELECT count(*) FROM (SELECT parent_id, name FROM entry GROUP BY 1, 2 HAVING count(*) > 1)')
		).toBe(0);
	});

	it('a file moved or renamed within the location keeps its entry id and content id', async () => {
		const { lib, loc, source } = await setup({
			a: { 'x.txt': f(10, 1), 'gone.txt': f(11, 1) },
			b: {},
			c: { 'y.txt': f(20, 2), 'twin-1.txt': f(5, 5), 'twin-2.txt': f(5, 5) }
		});
		await run(lib, loc, source);
		const id = (name: string) =>
			lib.sql.get<{ uuid: string; cas_id: string | null; path: string }>(
				'SELECT e.uuid, e.cas_id, p.path FROM entry e JOIN entry p ON p.id = e.parent_id WHERE e.name = ?',
				[name]
			);
		lib.sql.run("UPDATE entry SET cas_id = 'cafebabecafebabe' WHERE name = 'x.txt'");
		const x = id('x.txt')!;
		const y = id('y.txt')!;
		const tombstones = () => lib.sql.value<number>('SELECT count(*) FROM tombstone') ?? 0;
		const before = tombstones();

		source.set('a/x.txt', undefined);
		source.set('b/x.txt', f(10, 1));
		source.set('c/y.txt', undefined);
		source.set('c/y renamed.txt', f(20, 2));
		source.set('a/gone.txt', undefined);
		// Two gone files alike but for the name, and one new file like both: no guess is made.
		source.set('c/twin-1.txt', undefined);
		source.set('c/twin-2.txt', undefined);
		source.set('b/twin.txt', f(5, 5));
		await run(lib, loc, source);

		expect(id('x.txt')).toEqual({ uuid: x.uuid, cas_id: 'cafebabecafebabe', path: 'b' });
		expect(id('y renamed.txt')).toMatchObject({ uuid: y.uuid, path: 'c' });
		expect(id('y.txt')).toBeUndefined();
		// gone.txt and the two twins are deletes: one tombstone each; the moves leave none.
		expect(tombstones() - before).toBe(3);
		expect(indexed(lib)).toEqual(['a', 'b', 'b/twin.txt', 'b/x.txt', 'c', 'c/y renamed.txt']);
	});
});
