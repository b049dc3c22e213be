import { describe, it } from 'vitest';
import { MemorySource, type MemoryTree } from '../../src/lib/vdfs/fs/memory-source';
import { SnapshotSource } from '../../src/lib/vdfs/fs/snapshot-source';
import { fileSourceChecks, flatten, type SpecTree } from '../shared/file-source-suite';

function memoryTree(tree: SpecTree): MemoryTree {
	return Object.fromEntries(
		Object.entries(tree).map(([name, node]) => {
			if (typeof node !== 'string') return [name, memoryTree(node)];
			const bytes = new TextEncoder().encode(node);
			return [name, { size: bytes.length, mtime: Date.now(), bytes }];
		})
	);
}

const adapters = {
	memory: (tree: SpecTree) => Promise.resolve(new MemorySource(memoryTree(tree))),
	snapshot: (tree: SpecTree) =>
		Promise.resolve(
			new SnapshotSource(
				flatten(tree).map(([path, text]) => ({ path, file: new File([text], path.split('/').pop()!) }))
			)
		)
};

for (const [adapter, make] of Object.entries(adapters)) {
	describe(`FileSource acceptance: ${adapter}`, () => {
		for (const check of fileSourceChecks) it(check.name, () => check.run(make));
	});
}
