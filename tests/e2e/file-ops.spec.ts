import { expect, test, type Page } from '@playwright/test';
import type { LocationId } from '../../src/lib/vdfs/api';
import { createLibraryFromUi, openApp, watchPageErrors } from './helpers';
import { makeTree } from './tree';

/**
 * File operations on the built app, between OPFS-backed stand-in folders added as picked
 * folders (`fsa` locations): the same File System Access calls a folder on disk gets.
 */

/** "Add a folder…" picks these OPFS folders in turn. */
async function pickerSequence(page: Page, roots: string[]): Promise<void> {
	await page.addInitScript((roots) => {
		let next = 0;
		(window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
			async () =>
				(await navigator.storage.getDirectory()).getDirectoryHandle(roots[Math.min(next++, roots.length - 1)], {
					create: true
				});
	}, roots);
}

async function settled(page: Page, timeout = 120_000): Promise<void> {
	await expect
		.poll(
			() =>
				page.evaluate(async () =>
					(await window.orrery!.listJobs()).every((j) => j.state !== 'queued' && j.state !== 'running')
				),
			{ timeout }
		)
		.toBe(true);
}

/** Adds the stand-in folders as locations (in picker order); returns their ids by name. */
async function addLocations(page: Page, count: number): Promise<Record<string, LocationId>> {
	await page.goto('/locations');
	for (let i = 0; i < count; i++) {
		await page.getByTestId('add-folder').click();
		await expect(page.getByTestId('sidebar-location')).toHaveCount(i + 1);
	}
	await settled(page);
	const locations = await page.evaluate(async () => window.orrery!.listLocations());
	return Object.fromEntries(locations.map((l) => [l.name, l.id]));
}

/** Every file under an OPFS folder: path → size, and SHA-256 of a sample of paths. */
async function opfsTree(page: Page, root: string, sample: string[] = []) {
	return page.evaluate(
		async ({ root, sample }) => {
			const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
			const sizes: Record<string, number> = {};
			const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
				for await (const handle of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
					const path = prefix ? `${prefix}/${handle.name}` : handle.name;
					if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, path);
					else sizes[path] = (await (handle as FileSystemFileHandle).getFile()).size;
				}
			};
			await walk(top, '');
			const hashes: Record<string, string> = {};
			for (const path of sample) {
				let dir = top;
				const parts = path.split('/');
				for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
				const file = await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
				const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
				hashes[path] = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
			}
			return { sizes, hashes };
		},
		{ root, sample }
	);
}

/** Content ids of a location's files under a folder, by path inside that folder. */
async function casIds(page: Page, location: LocationId, dir: string): Promise<Record<string, string | null>> {
	return page.evaluate(
		async ({ location, dir }) => {
			const out: Record<string, string | null> = {};
			const walk = async (path: string, rel: string) => {
				for (const row of await window.orrery!.listChildren(location, path, { limit: 10_000 })) {
					const child = rel ? `${rel}/${row.name}` : row.name;
					if (row.isDir) await walk(path ? `${path}/${row.name}` : row.name, child);
					else out[child] = row.casId;
				}
			};
			await walk(dir, '');
			return out;
		},
		{ location, dir }
	);
}

const entry = (page: Page, name: string) => page.locator(`[data-testid=folder-entry][data-name="${name}"]`);

test('copies 1,000 files between two locations byte for byte, moves them back, renames, trashes, restores and undoes', async ({
	page
}) => {
	test.setTimeout(300_000);
	const noErrors = watchPageErrors(page);
	await pickerSequence(page, ['ops-src', 'ops-dst']);
	await openApp(page);
	await createLibraryFromUi(page, 'Ops');
	const made = await makeTree(page, { root: 'ops-src', dirs: 10, perDir: 100 });
	expect(made.files).toBe(1000);
	// The generated files are all 'A's; these few differ byte by byte, so a sample proves content.
	await page.evaluate(async () => {
		const top = await (await navigator.storage.getDirectory()).getDirectoryHandle('ops-src');
		for (let d = 0; d < 10; d++) {
			const dir = await top.getDirectoryHandle(`folder ${d}`);
			const w = await (await dir.getFileHandle('random.bin', { create: true })).createWritable();
			const bytes = new Uint8Array(150_000 + d);
			let x = 2_463_534_242 + d;
			for (let i = 0; i < bytes.length; i++) {
				x ^= x << 13;
				x ^= x >>> 17;
				x ^= x << 5;
				bytes[i] = x & 0xff;
			}
			await w.write(bytes);
			await w.close();
		}
	});
	await page.evaluate(async () => {
		await (await navigator.storage.getDirectory()).getDirectoryHandle('ops-dst', { create: true });
	});
	const ids = await addLocations(page, 2);
	const src = ids['ops-src'];
	const dst = ids['ops-dst'];
	const sourceIds = await casIds(page, src, '');
	expect(Object.keys(sourceIds)).toHaveLength(1010);
	// Every file with bytes has its content id (empty files have none, by design).
	const nonEmpty = Object.values((await opfsTree(page, 'ops-src')).sizes).filter((size) => size > 0).length;
	expect(Object.values(sourceIds).filter((c) => c !== null)).toHaveLength(nonEmpty);

	// Copy: select every folder in the source, Ctrl+C, open the target, Ctrl+V.
	await page.goto(`/locations/${src}`);
	await expect(entry(page, 'folder 9')).toBeVisible();
	await entry(page, 'folder 0').click();
	await page.keyboard.press('Control+A');
	await page.keyboard.press('Control+C');
	await page.goto(`/locations/${dst}`);
	await expect(page.getByTestId('paste-here')).toBeVisible();
	await page.getByTestId('paste-here').click();
	await expect(entry(page, 'folder 9')).toBeVisible({ timeout: 120_000 });
	await settled(page);
	const jobs = await page.evaluate(async () => window.orrery!.listJobs());
	const copy = jobs.find((j) => j.kind === 'copy');
	expect(copy?.state).toBe('done');
	expect(copy?.progress.files).toBe(1010);

	const sample = ['folder 0/random.bin', 'folder 5/random.bin', 'folder 9/random.bin', 'folder 3/file-42.txt'];
	const a = await opfsTree(page, 'ops-src', sample);
	const b = await opfsTree(page, 'ops-dst', sample);
	expect(b.sizes).toEqual(a.sizes);
	expect(b.hashes).toEqual(a.hashes);
	expect(Object.keys(b.sizes).some((p) => p.includes('.orrery-partial'))).toBe(false);
	// The copies carry the sources' content ids (no re-hash), and the index counts them.
	const copiedIds = await casIds(page, dst, '');
	expect(copiedIds).toEqual(sourceIds);
	const totals = await page.evaluate(async () => window.orrery!.listLocations());
	expect(totals.find((l) => l.id === dst)?.totalFiles).toBe(1010);

	// Move them back, into a new folder of the source; entries keep their ids.
	const before = (await page.evaluate(async (dst) => window.orrery!.listChildren(dst, 'folder 4'), dst)).find(
		(r) => r.name === 'random.bin'
	);
	await entry(page, 'folder 0').click();
	await page.keyboard.press('Control+A');
	await page.keyboard.press('Control+X');
	await page.goto(`/locations/${src}`);
	await entry(page, 'folder 0').click({ button: 'right' });
	await page.getByTestId('menu-new-folder').click();
	await page.getByTestId('name-input').fill('back');
	await page.getByTestId('name-submit').click();
	await entry(page, 'back').dblclick();
	await page.getByTestId('paste-here').click();
	await expect(entry(page, 'folder 9')).toBeVisible({ timeout: 120_000 });
	await settled(page);
	expect(Object.keys((await opfsTree(page, 'ops-dst')).sizes)).toEqual([]);
	const after = (await page.evaluate(async (src) => window.orrery!.listChildren(src, 'back/folder 4'), src)).find(
		(r) => r.name === 'random.bin'
	);
	expect(after?.id).toBe(before?.id);
	expect(after?.casId).toBe(before?.casId);

	// Rename with F2, then undo it with Ctrl+Z.
	await entry(page, 'folder 1').click();
	await page.keyboard.press('F2');
	await page.getByTestId('name-input').fill('first renamed');
	await page.getByTestId('name-input').press('Enter');
	await expect(entry(page, 'first renamed')).toBeVisible();
	await expect(entry(page, 'folder 1')).toHaveCount(0);
	await page.keyboard.press('Control+Z');
	await expect(entry(page, 'folder 1')).toBeVisible();
	await expect(entry(page, 'first renamed')).toHaveCount(0);

	// Delete to the trash, restore from the trash page; then trash again and undo.
	await entry(page, 'folder 2').click();
	await page.keyboard.press('Delete');
	await expect(entry(page, 'folder 2')).toHaveCount(0);
	await settled(page);
	await page.goto('/trash');
	await expect(page.getByTestId('trash-item')).toHaveCount(1);
	await expect(page.getByTestId('trash-item')).toContainText('folder 2');
	await expect(page.getByTestId('trash-item')).toContainText('101 files');
	await page.getByTestId('trash-restore-one').click();
	await expect(page.getByTestId('trash-item')).toHaveCount(0);
	await settled(page);
	await page.goto(`/locations/${src}?path=back`);
	await expect(entry(page, 'folder 2')).toBeVisible();
	expect(
		Object.keys((await opfsTree(page, 'ops-src')).sizes).filter((p) => p.startsWith('back/folder 2/'))
	).toHaveLength(101);
	await entry(page, 'folder 3').click({ button: 'right' });
	await page.getByTestId('menu-trash').click();
	await expect(entry(page, 'folder 3')).toHaveCount(0);
	await settled(page);
	await page.keyboard.press('Control+Z');
	await expect(entry(page, 'folder 3')).toBeVisible({ timeout: 30_000 });
	noErrors();
});

test('a 200 MiB copy cancelled midway leaves no file under its name and nothing in the target index', async ({
	page
}) => {
	test.setTimeout(180_000);
	const noErrors = watchPageErrors(page);
	await pickerSequence(page, ['big-src', 'big-dst']);
	await openApp(page);
	await createLibraryFromUi(page, 'Big');
	await page.evaluate(async () => {
		const source = `self.onmessage = async () => {
			const root = await navigator.storage.getDirectory();
			const dir = await root.getDirectoryHandle('big-src', { create: true });
			await root.getDirectoryHandle('big-dst', { create: true });
			const h = await (await dir.getFileHandle('big.bin', { create: true })).createSyncAccessHandle();
			const chunk = new Uint8Array(1 << 20).fill(7);
			for (let i = 0; i < 200; i++) h.write(chunk, { at: i << 20 });
			h.close();
			self.postMessage('done');
		};`;
		const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
		await new Promise((resolve) => {
			worker.onmessage = resolve;
			worker.postMessage('go');
		});
		worker.terminate();
	});
	const ids = await addLocations(page, 2);
	const job = await page.evaluate(
		async ({ src, dst }) =>
			window.orrery!.copyEntries({ items: [{ location: src, path: 'big.bin' }], to: { location: dst, path: '' } }),
		{ src: ids['big-src'], dst: ids['big-dst'] }
	);
	// To the jobs page in the app (no reload): the status bar's link to the running job.
	await page.getByTestId('jobs-indicator').click();
	await expect
		.poll(
			async () => {
				const j = (await page.evaluate(async () => window.orrery!.listJobs())).find((x) => x.id === job);
				return j ? j.progress.bytes > 0 && j.progress.bytes < 200 * 2 ** 20 && j.state === 'running' : false;
			},
			{ timeout: 60_000, intervals: [20] }
		)
		.toBe(true);
	await page.locator('[data-testid=job][data-state=running]').getByRole('button', { name: 'Cancel' }).click();
	await expect
		.poll(async () => (await page.evaluate(async () => window.orrery!.listJobs())).find((x) => x.id === job)?.state)
		.toBe('cancelled');
	const target = await opfsTree(page, 'big-dst');
	expect(target.sizes).toEqual({});
	expect(await page.evaluate(async (dst) => window.orrery!.listChildren(dst, ''), ids['big-dst'])).toEqual([]);
	noErrors();
});

test('a taken name asks: replace, keep both and skip each do what they say; a file dragged onto a sidebar location moves there', async ({
	page
}) => {
	const noErrors = watchPageErrors(page);
	await pickerSequence(page, ['cf-src', 'cf-dst']);
	await openApp(page);
	await createLibraryFromUi(page, 'Conflicts');
	await page.evaluate(async () => {
		const root = await navigator.storage.getDirectory();
		const write = async (dirName: string, name: string, text: string) => {
			const dir = await root.getDirectoryHandle(dirName, { create: true });
			const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
			await w.write(text);
			await w.close();
		};
		for (const name of ['a.txt', 'b.txt', 'c.txt']) {
			await write('cf-src', name, `new ${name}`);
			await write('cf-dst', name, `old ${name}`);
		}
	});
	const ids = await addLocations(page, 2);
	await page.goto(`/locations/${ids['cf-src']}`);
	await entry(page, 'a.txt').click();
	await page.keyboard.press('Control+A');
	await page.keyboard.press('Control+C');
	await page.goto(`/locations/${ids['cf-dst']}`);
	await page.getByTestId('paste-here').click();
	const dialog = page.getByTestId('job-question');
	await expect(dialog).toContainText('“a.txt” already exists there');
	await dialog.getByTestId('answer-replace').click();
	await expect(dialog).toContainText('“b.txt” already exists there');
	await dialog.getByTestId('answer-keep-both').click();
	await expect(dialog).toContainText('“c.txt” already exists there');
	await dialog.getByTestId('answer-skip').click();
	await expect(dialog).toHaveCount(0);
	await settled(page);
	const texts = await page.evaluate(async () => {
		const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('cf-dst');
		const out: Record<string, string> = {};
		for await (const h of (dir as unknown as { values(): AsyncIterable<FileSystemFileHandle> }).values()) {
			out[h.name] = await (await h.getFile()).text();
		}
		return out;
	});
	expect(texts).toEqual({
		'a.txt': 'new a.txt',
		'b.txt': 'old b.txt',
		'b (2).txt': 'new b.txt',
		'c.txt': 'old c.txt'
	});
	await expect(entry(page, 'b (2).txt')).toBeVisible();

	// Dragged onto a location in the sidebar: moved to its top folder.
	await entry(page, 'b (2).txt').dragTo(page.locator('[data-testid=sidebar-location][data-name="cf-src"]'));
	await expect(entry(page, 'b (2).txt')).toHaveCount(0, { timeout: 30_000 });
	await settled(page);
	const src = await page.evaluate(
		async (id) => (await window.orrery!.listChildren(id, '')).map((r) => r.name),
		ids['cf-src']
	);
	expect(src.sort()).toEqual(['a.txt', 'b (2).txt', 'b.txt', 'c.txt']);
	noErrors();
});
