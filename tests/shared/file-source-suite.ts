/**
 * The one acceptance suite every FileSource adapter runs (STYLE.md: automerge-repo's
 * runStorageAdapterTests). Plain async checks, so Vitest runs them in Node (memory, snapshot)
 * and the browser harness runs them in Chromium (File System Access on OPFS).
 */
import type { FileSource } from '../../src/lib/vdfs/fs/source';

/** A tree to build: a string is a file's text. No empty folders (a snapshot cannot hold one). */
export type SpecTree = { [name: string]: string | SpecTree };
export type MakeSource = (tree: SpecTree) => Promise<FileSource>;
export interface Check {
	name: string;
	run(make: MakeSource): Promise<void>;
}

function same(actual: unknown, expected: unknown, what: string): void {
	const a = JSON.stringify(actual);
	const e = JSON.stringify(expected);
	if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function rejectsWith(p: Promise<unknown>, code: string, what: string): Promise<void> {
	const err = await p.then(
		() => undefined,
		(e: unknown) => e as { code?: string }
	);
	if (!err) throw new Error(`${what}: expected a failure`);
	same(err.code, code, `${what}: error code`);
}

async function names(source: FileSource, dir: string): Promise<[string, boolean, number][]> {
	const { entries } = await source.list(dir);
	return entries
		.map((e) => [e.name, e.isDir, e.size] as [string, boolean, number])
		.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

export const fileSourceChecks: Check[] = [
	{
		name: 'lists the root: folders, and files with their sizes',
		async run(make) {
			const source = await make({ 'a.txt': 'hello', docs: { 'b.md': 'x' }, 'empty.bin': '' });
			same(
				await names(source, ''),
				[
					['a.txt', false, 5],
					['docs', true, 0],
					['empty.bin', false, 0]
				],
				'root'
			);
		}
	},
	{
		name: 'lists nested folders by their path',
		async run(make) {
			const source = await make({ a: { b: { c: { 'deep.txt': '1234' } }, 'side.txt': '1' } });
			same(
				await names(source, 'a'),
				[
					['b', true, 0],
					['side.txt', false, 1]
				],
				'a'
			);
			same(await names(source, 'a/b/c'), [['deep.txt', false, 4]], 'a/b/c');
		}
	},
	{
		name: 'gives files with a modification time',
		async run(make) {
			const source = await make({ 'f.txt': 'x' });
			const { entries } = await source.list('');
			if (!(entries[0].mtime > 0)) throw new Error(`mtime: expected a time, got ${entries[0].mtime}`);
		}
	},
	{
		name: 'reads a file’s bytes by path',
		async run(make) {
			const source = await make({ dir: { 'note.txt': 'Orrery ✓' } });
			same(await (await source.file('dir/note.txt')).text(), 'Orrery ✓', 'text');
		}
	},
	{
		name: 'keeps any Unicode name',
		async run(make) {
			const tree: SpecTree = { 日本語: { '🚀 launch.md': 'a' }, 'e\u0301cole.txt': 'b', 'it\'s "q".txt': 'c' };
			const source = await make(tree);
			same(
				(await names(source, '')).map((n) => n[0]),
				['e\u0301cole.txt', 'it\'s "q".txt', '日本語'],
				'root'
			);
			same(
				(await names(source, '日本語')).map((n) => n[0]),
				['🚀 launch.md'],
				'nested'
			);
			same(await (await source.file('日本語/🚀 launch.md')).text(), 'a', 'read');
		}
	},
	{
		name: 'a missing folder fails with NotFound',
		async run(make) {
			const source = await make({ 'a.txt': 'x' });
			await rejectsWith(source.list('nope'), 'NotFound', 'list');
		}
	},
	{
		name: 'a missing file fails with NotFound',
		async run(make) {
			const source = await make({ dir: { 'a.txt': 'x' } });
			await rejectsWith(source.file('dir/missing.txt'), 'NotFound', 'file');
		}
	},
	{
		name: 'an aborted signal stops a listing',
		async run(make) {
			const source = await make({ 'a.txt': 'x' });
			const controller = new AbortController();
			controller.abort();
			const failed = await source.list('', controller.signal).then(
				() => false,
				() => true
			);
			same(failed, true, 'aborted listing fails');
		}
	}
];

/** Flattens a tree to [path, text] pairs. */
export function flatten(tree: SpecTree, prefix = ''): [string, string][] {
	return Object.entries(tree).flatMap(([name, node]) => {
		const path = prefix ? `${prefix}/${name}` : name;
		return typeof node === 'string' ? [[path, node] as [string, string]] : flatten(node, path);
	});
}
