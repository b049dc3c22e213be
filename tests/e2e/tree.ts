import type { Page } from '@playwright/test';

/** A generated tree: `dirs` folders of `perDir` files, plus the awkward names the indexer must survive. */
export interface TreeSpec {
	root: string;
	dirs: number;
	perDir: number;
	awkward?: boolean;
}

export interface TreeTotals {
	files: number;
	dirs: number;
	bytes: number;
}

/**
 * Writes the tree into OPFS under `root`, from a worker with sync access handles (thousands of
 * files a second; the page's async API is several times slower). Returns what the index must show.
 */
export async function makeTree(page: Page, spec: TreeSpec): Promise<TreeTotals> {
	// At most 20,000 files a worker: one worker making 100,000 files took the tab down.
	const totals: TreeTotals = { files: 0, dirs: 0, bytes: 0 };
	const chunk = 20_000;
	for (let d = 0; d < spec.dirs; d++) {
		for (let f = 0; f < spec.perDir; f += chunk) {
			const dirsAtOnce = spec.perDir > chunk ? 1 : Math.max(1, Math.floor(chunk / Math.max(1, spec.perDir)));
			const part = await makeSlice(page, {
				...spec,
				dirFrom: d,
				dirTo: Math.min(spec.dirs, d + dirsAtOnce),
				fileFrom: f,
				fileTo: Math.min(spec.perDir, f + chunk),
				awkward: spec.awkward && d === 0 && f === 0
			});
			totals.files += part.files;
			totals.dirs += part.dirs;
			totals.bytes += part.bytes;
			if (spec.perDir <= chunk) d += dirsAtOnce - 1;
		}
	}
	return totals;
}

interface Slice extends TreeSpec {
	dirFrom: number;
	dirTo: number;
	fileFrom: number;
	fileTo: number;
}

async function makeSlice(page: Page, spec: Slice): Promise<TreeTotals> {
	return page.evaluate(async (spec) => {
		const source = `
			self.onmessage = async ({ data: spec }) => {
				const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(spec.root, { create: true });
				let files = 0, dirs = 0, bytes = 0;
				const write = async (dir, name, size) => {
					const handle = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
					handle.truncate(0);
					if (size) handle.write(new Uint8Array(size).fill(65), { at: 0 });
					handle.close();
					files++; bytes += size;
				};
				for (let d = spec.dirFrom; d < spec.dirTo; d++) {
					const dir = await root.getDirectoryHandle('folder ' + d, { create: true });
					if (spec.fileFrom === 0 && spec.countDirs) dirs++;
					for (let f = spec.fileFrom; f < spec.fileTo; f++) await write(dir, 'file-' + f + '.txt', (d * 7 + f) % 97);
				}
				if (spec.awkward) {
					const odd = await root.getDirectoryHandle('odd names ✓', { create: true });
					dirs++;
					for (const name of ['日本語のファイル.txt', '🚀 launch 🌍.md', 'e\\u0301cole', 'x'.repeat(250) + '.txt', "it's \\"q\\".txt", 'empty.bin']) {
						await write(odd, name, name === 'empty.bin' ? 0 : 3);
					}
					let deep = root;
					for (let i = 0; i < 200; i++) { deep = await deep.getDirectoryHandle('d' + i, { create: true }); dirs++; }
					await write(deep, 'bottom.txt', 5);
					// Junk that the default rules leave out.
					await write(root, '.DS_Store', 4); files--; bytes -= 4;
					const git = await root.getDirectoryHandle('.git', { create: true });
					await write(git, 'HEAD', 10); files--; bytes -= 10;
				}
				self.postMessage({ files, dirs, bytes });
			};`;
		// Every file costs a few round trips to the browser process; on a busy VM they take
		// milliseconds each, so WORKERS share the slice (each file is made by exactly one).
		const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
		const WORKERS = 8;
		const parts = await Promise.all(
			Array.from({ length: WORKERS }, (_, i) => {
				const span = spec.fileTo - spec.fileFrom;
				const part = {
					...spec,
					fileFrom: spec.fileFrom + Math.floor((span * i) / WORKERS),
					fileTo: spec.fileFrom + Math.floor((span * (i + 1)) / WORKERS),
					awkward: spec.awkward && i === 0,
					countDirs: i === 0
				};
				const worker = new Worker(url);
				return new Promise<{ files: number; dirs: number; bytes: number }>((resolve) => {
					worker.onmessage = (e) => {
						worker.terminate();
						resolve(e.data);
					};
					worker.postMessage(part);
				});
			})
		);
		return parts.reduce((t, p) => ({ files: t.files + p.files, dirs: t.dirs + p.dirs, bytes: t.bytes + p.bytes }), {
			files: 0,
			dirs: 0,
			bytes: 0
		});
	}, spec);
}

/** Makes the app's "Add a folder…" pick the OPFS folder `root`: same code path as a real pick. */
export async function pickerReturns(page: Page, root: string): Promise<void> {
	await page.addInitScript((root) => {
		(window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
			async () => (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
	}, root);
}
