import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLibraryFromUi, openApp } from './helpers';
import { makeTree, pickerReturns, type TreeTotals } from './tree';

async function expectTotals(page: Page, name: string, totals: TreeTotals, timeout = 60_000) {
	const location = page.locator(`[data-testid=location][data-name="${name}"]`);
	await expect(location.getByTestId('location-files')).toHaveText(`${totals.files.toLocaleString('en-US')} files`, {
		timeout
	});
	await expect(location.getByTestId('location-dirs')).toHaveText(`${totals.dirs.toLocaleString('en-US')} folders`);
	await expect(location.getByTestId('location-bytes')).toHaveAttribute('title', `${totals.bytes} bytes`);
}

async function jobsDone(page: Page) {
	await expect
		.poll(async () => page.evaluate(async () => (await window.orrery!.listJobs()).every((j) => j.state === 'done')), {
			timeout: 120_000
		})
		.toBe(true);
}

test('a picked folder of 20,000 files with awkward names is indexed; changes show after a rescan', async ({ page }) => {
	test.setTimeout(240_000);
	await pickerReturns(page, 'picked');
	await openApp(page);
	await createLibraryFromUi(page, 'Indexed');
	const totals = await makeTree(page, { root: 'picked', dirs: 2000, perDir: 10, awkward: true });
	expect(totals.files).toBe(20_007);

	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await expectTotals(page, 'picked', totals, 180_000);
	await jobsDone(page);
	const found = await page.evaluate(async () =>
		(await window.orrery!.searchNames('launch 🌍')).map((e) => [e.name, e.dirPath])
	);
	expect(found).toEqual([['🚀 launch 🌍.md', 'odd names ✓']]);

	// Add, change, rename and delete on disk, then rescan.
	const changed = await page.evaluate(async () => {
		const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked');
		const f0 = await root.getDirectoryHandle('folder 0');
		const w = await (await f0.getFileHandle('new.txt', { create: true })).createWritable();
		await w.write('fresh!');
		await w.close();
		const w2 = await (await f0.getFileHandle('file-1.txt')).createWritable();
		await w2.write('now a good deal longer than before');
		await w2.close();
		const moved = (await f0.getFileHandle('file-2.txt')) as FileSystemFileHandle & {
			move(name: string): Promise<void>;
		};
		await moved.move('file-2-renamed.txt');
		await f0.removeEntry('file-3.txt');
		await root.removeEntry('folder 1', { recursive: true });
		// file-1 of folder 0 was (0 * 7 + 1) % 97 = 1 byte; folder 1's files were 7..16 bytes.
		return {
			added: 6,
			grewBy: 34 - 1,
			removedFolderFiles: 10,
			removedFolderBytes: Array.from({ length: 10 }, (_, f) => (7 + f) % 97).reduce((a, b) => a + b, 0),
			file3: 3
		};
	});
	const after: TreeTotals = {
		files: totals.files + 1 - 1 - changed.removedFolderFiles,
		dirs: totals.dirs - 1,
		bytes: totals.bytes + changed.added + changed.grewBy - changed.file3 - changed.removedFolderBytes
	};
	await page.locator('[data-testid=location][data-name="picked"]').getByTestId('rescan').click();
	await expectTotals(page, 'picked', after);
	await jobsDone(page);
	const folder0 = await page.evaluate(async () => {
		const [loc] = await window.orrery!.listLocations();
		return (await window.orrery!.listChildren(loc.id, 'folder 0')).map((e) => e.name);
	});
	expect(folder0).toContain('file-2-renamed.txt');
	expect(folder0).toContain('new.txt');
	expect(folder0).not.toContain('file-2.txt');
	expect(folder0).not.toContain('file-3.txt');
	await page.screenshot({ path: test.info().outputPath('locations.png') });
});

test('a reload in the middle of indexing resumes the job and ends with exactly one row per file', async ({ page }) => {
	test.setTimeout(240_000);
	await pickerReturns(page, 'big');
	await openApp(page);
	await createLibraryFromUi(page, 'Resumed');
	const totals = await makeTree(page, { root: 'big', dirs: 2000, perDir: 10 });
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await expect
		.poll(async () => page.evaluate(async () => (await window.orrery!.listJobs())[0]?.progress.files ?? 0))
		.toBeGreaterThan(3000);
	const before = await page.evaluate(async () => (await window.orrery!.listJobs())[0].state);
	expect(before).toBe('running');
	await page.reload();
	await openApp(page, '/locations');
	await expectTotals(page, 'big', totals, 180_000);
	await jobsDone(page);
	const rows = await page.evaluate(async () => (await window.orrery!.libraryStats()).entries);
	expect(rows).toBe(totals.files + totals.dirs);
});

test('a folder imported with webkitdirectory is indexed as a snapshot; importing it again updates it in place', async ({
	page
}) => {
	const dir = await mkdtemp(join(tmpdir(), 'orrery-import-'));
	const folder = join(dir, 'Holiday photos');
	try {
		await mkdir(join(folder, 'day 1'), { recursive: true });
		await writeFile(join(folder, 'day 1', 'beach.jpg'), 'x'.repeat(1000));
		await writeFile(join(folder, 'notes ✓.txt'), 'hello');
		await openApp(page);
		await createLibraryFromUi(page, 'Imports');
		await page.goto('/locations');
		await page.getByTestId('import-folder').setInputFiles(folder);
		await expectTotals(page, 'Holiday photos', { files: 2, dirs: 1, bytes: 1005 });

		await writeFile(join(folder, 'day 1', 'sunset.jpg'), 'y'.repeat(500));
		await page.getByTestId('import-folder').setInputFiles(folder);
		await expectTotals(page, 'Holiday photos', { files: 3, dirs: 1, bytes: 1505 });
		await expect(page.getByTestId('location')).toHaveCount(1);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
});

test('storage on this device is a location Orrery keeps in OPFS', async ({ page }) => {
	await openApp(page);
	await createLibraryFromUi(page, 'Device');
	await page.goto('/locations');
	await page.getByLabel('Name of the new storage').fill('Inbox');
	await page.getByTestId('add-device-storage').click();
	await expectTotals(page, 'Inbox', { files: 0, dirs: 0, bytes: 0 });
	await jobsDone(page);
	await expect(page.getByTestId('jobs-indicator')).toHaveText(/No jobs running/);

	// Folders can be made and files imported into it; a taken name gets a number, never overwritten.
	await page.locator('[data-testid=location][data-name="Inbox"]').getByTestId('open-location').click();
	await page.getByLabel('New folder name').fill('a/b');
	await page.getByTestId('new-folder').click();
	await expect(page.getByTestId('toast').filter({ hasText: 'names cannot contain /' })).toBeVisible();
	await page.getByLabel('New folder name').fill('Photos 📷');
	await page.getByTestId('new-folder').click();
	await page.locator('[data-testid=folder-entry][data-name="Photos 📷"]').dblclick();
	const files = [
		{ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
		{ name: 'b.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(3000, 7) }
	];
	await page.getByTestId('import-files').setInputFiles(files);
	await expect(page.locator('[data-testid=folder-entry][data-name="b.bin"]')).toBeVisible();
	await page.getByTestId('import-files').setInputFiles(files.slice(0, 1));
	await expect(page.locator('[data-testid=folder-entry][data-name="a (2).txt"]')).toBeVisible();
	await expect(page.getByTestId('toast').filter({ hasText: 'under a numbered name' })).toBeVisible();
	await page.goto('/locations');
	await expectTotals(page, 'Inbox', { files: 3, dirs: 1, bytes: 5 + 3000 + 5 });
	const stored = await page.evaluate(async () => {
		const [loc] = await window.orrery!.listLocations();
		const dir = await (
			await (
				await (await navigator.storage.getDirectory()).getDirectoryHandle('orrery-locations')
			).getDirectoryHandle(loc.id)
		).getDirectoryHandle('Photos 📷');
		const names: string[] = [];
		for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
		return { names: names.sort(), b: (await (await dir.getFileHandle('b.bin')).getFile()).size };
	});
	expect(stored).toEqual({ names: ['a (2).txt', 'a.txt', 'b.bin'], b: 3000 });
});

test('rules edited in the panel: skipping a folder name takes its files out of the location after the rescan', async ({
	page
}) => {
	await pickerReturns(page, 'ruled');
	await openApp(page);
	await createLibraryFromUi(page, 'Rules');
	const totals = await makeTree(page, { root: 'ruled', dirs: 5, perDir: 3 });
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await expectTotals(page, 'ruled', totals);
	await jobsDone(page);

	const location = page.locator('[data-testid=location][data-name="ruled"]');
	await location.getByTestId('edit-rules').click();
	const editor = location.getByTestId('rules-editor');
	await expect(editor.getByLabel('Skip system files (.DS_Store, Thumbs.db, …)')).toBeChecked();
	await expect(editor.getByLabel('Honour .gitignore files')).toBeChecked();
	await expect(editor.getByLabel('Skip hidden files')).not.toBeChecked();
	await editor.getByLabel('Folder name to skip').fill(' folder 2 ');
	await editor.getByTestId('add-skip-folder').click();
	await expect(editor.getByTestId('skipped-folder')).toContainText(['.git', 'node_modules', 'folder 2']);
	await expect(editor.getByRole('button', { name: 'Stop skipping “folder 2”' })).toBeVisible();
	await editor.getByTestId('save-rules').click();
	await expect(page.getByTestId('toast').filter({ hasText: 'Rules saved; “ruled” is being rescanned.' })).toBeVisible();
	await expect(editor).toHaveCount(0);

	// folder 2's files were (2 * 7 + f) % 97 bytes: 14, 15 and 16.
	await expectTotals(page, 'ruled', { files: totals.files - 3, dirs: totals.dirs - 1, bytes: totals.bytes - 45 });
	await jobsDone(page);
	const rules = await page.evaluate(async () => {
		const [loc] = await window.orrery!.listLocations();
		return window.orrery!.locationRules(loc.id);
	});
	expect(rules.skipFolders).toEqual(['.git', 'node_modules', 'folder 2']);
});
