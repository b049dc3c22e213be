// Test-only page: runs the shared FileSource acceptance suite on browser-only adapters.
import { FsaSource } from '../../src/lib/vdfs/fs/fsa-source';
import { SnapshotSource } from '../../src/lib/vdfs/fs/snapshot-source';
import type { FileSource } from '../../src/lib/vdfs/fs/source';
import { fileSourceChecks, flatten, type SpecTree } from '../shared/file-source-suite';

async function writeTree(dir: FileSystemDirectoryHandle, tree: SpecTree): Promise<void> {
	for (const [name, node] of Object.entries(tree)) {
		if (typeof node === 'string') {
			const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
			await writable.write(node);
			await writable.close();
		} else {
			await writeTree(await dir.getDirectoryHandle(name, { create: true }), node);
		}
	}
}

const adapters: Record<string, (tree: SpecTree) => Promise<FileSource>> = {
	// An OPFS folder is a FileSystemDirectoryHandle like a picked one: the same code path.
	fsa: async (tree) => {
		const root = await navigator.storage.getDirectory();
		const dir = await root.getDirectoryHandle(`suite-${crypto.randomUUID()}`, { create: true });
		await writeTree(dir, tree);
		return new FsaSource(dir, 'fsa');
	},
	snapshot: (tree) =>
		Promise.resolve(
			new SnapshotSource(
				flatten(tree).map(([path, text]) => ({ path, file: new File([text], path.split('/').pop()!) }))
			)
		)
};

declare global {
	interface Window {
		runCheck(adapter: string, name: string): Promise<string | null>;
	}
}

/** Runs one check; null when it passed, else why it failed. */
window.runCheck = async (adapter, name) => {
	const check = fileSourceChecks.find((c) => c.name === name);
	if (!check) return `no check named ${name}`;
	try {
		await check.run(adapters[adapter]);
		return null;
	} catch (e) {
		return e instanceof Error ? e.message : String(e);
	}
};
