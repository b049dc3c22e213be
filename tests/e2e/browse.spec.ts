import { expect, test } from '@playwright/test';
import { createLibraryFromUi, openApp } from './helpers';
import { makeTree, pickerReturns } from './tree';

const DEEP = Array.from({ length: 200 }, (_, i) => `d${i}`).join('/');

async function locationId(page: import('@playwright/test').Page): Promise<string> {
	return page.evaluate(async () => (await window.orrery!.listLocations())[0].id);
}

test('a folder opens at once from disk while the first index runs, then from the index', async ({ page }) => {
	test.setTimeout(240_000);
	await pickerReturns(page, 'browsed');
	await openApp(page);
	await createLibraryFromUi(page, 'Browse');
	await makeTree(page, { root: 'browsed', dirs: 2000, perDir: 10, awkward: true });
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await expect(page.getByTestId('location')).toHaveCount(1);
	// Held early, so the first index surely has not reached the deepest folder (the walk is
	// breadth-first; depth 200 comes last) however fast this machine is.
	const job = await page.evaluate(async () => {
		const [first] = await window.orrery!.listJobs();
		await window.orrery!.pauseJob(first.id);
		return first.id;
	});

	await page.goto(`/locations/${await locationId(page)}?path=${encodeURIComponent(DEEP)}`);
	await expect(page.getByTestId('folder-status')).toHaveAttribute('data-from', 'disk');
	await expect(page.locator('[data-testid=folder-entry][data-name="bottom.txt"]')).toBeVisible();
	expect(await page.evaluate(async () => (await window.orrery!.libraryStats()).entries)).toBeLessThan(20_000);
	await page.evaluate((id) => window.orrery!.resumeJob(id), job);

	// Once indexed, the same folder comes from the index, without a reload.
	await expect(page.getByTestId('folder-status')).toHaveAttribute('data-from', 'index', { timeout: 180_000 });
	await expect(page.locator('[data-testid=folder-entry][data-name="bottom.txt"]')).toBeVisible();

	// Breadcrumbs lead back up. 2,000 folders come before it: typing finds it, Enter opens it.
	await page.getByTestId('crumb').first().click();
	await page.getByTestId('explorer-scroller').pressSequentially('odd');
	await expect(page.locator('[data-testid=folder-entry][data-name="odd names ✓"]')).toHaveAttribute(
		'aria-selected',
		'true'
	);
	await page.getByTestId('explorer-scroller').press('Enter');
	await expect(page.locator('[data-testid=folder-entry][data-name="🚀 launch 🌍.md"]')).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('folder.png') });
});

test('a watched folder keeps its index true: files added, changed and deleted outside Orrery show up without a rescan', async ({
	page
}) => {
	await pickerReturns(page, 'watched');
	await openApp(page);
	test.skip(!(await page.evaluate(() => 'FileSystemObserver' in self)), 'this Chromium has no FileSystemObserver');
	await createLibraryFromUi(page, 'Watched');
	const totals = await makeTree(page, { root: 'watched', dirs: 20, perDir: 5 });
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	const location = page.locator('[data-testid=location][data-name="watched"]');
	await expect(location.getByTestId('location-files')).toHaveText(`${totals.files} files`, { timeout: 60_000 });
	await expect
		.poll(() => page.evaluate(async () => (await window.orrery!.listJobs()).every((j) => j.state === 'done')))
		.toBe(true);

	await page.evaluate(async () => {
		const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('watched');
		const fresh = await root.getDirectoryHandle('fresh folder', { create: true });
		const w = await (await fresh.getFileHandle('note.txt', { create: true })).createWritable();
		await w.write('hello from outside');
		await w.close();
		await (await root.getDirectoryHandle('folder 3')).removeEntry('file-0.txt');
	});
	// folder 3's file-0 was (3 * 7 + 0) % 97 = 21 bytes.
	await expect(location.getByTestId('location-bytes')).toHaveAttribute('title', `${totals.bytes + 18 - 21} bytes`, {
		timeout: 20_000
	});
	await expect(location.getByTestId('location-dirs')).toHaveText(`${totals.dirs + 1} folders`);
	await expect(location.getByTestId('location-files')).toHaveText(`${totals.files} files`);
	const jobs = await page.evaluate(async () => (await window.orrery!.listJobs()).length);
	expect(jobs).toBeGreaterThan(1);
});

test('a folder of 100,000 files is indexed with memory to spare and opens at once', async ({ page }) => {
	test.setTimeout(600_000);
	await pickerReturns(page, 'huge');
	await openApp(page);
	await createLibraryFromUi(page, 'Huge');
	const totals = await makeTree(page, { root: 'huge', dirs: 1, perDir: 100_000 });
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	const location = page.locator('[data-testid=location][data-name="huge"]');
	await expect(location.getByTestId('location-files')).toHaveText('100,000 files', { timeout: 540_000 });
	await expect(location.getByTestId('location-bytes')).toHaveAttribute('title', `${totals.bytes} bytes`);

	await location.getByTestId('open-location').click();
	await page.locator('[data-testid=folder-entry][data-name="folder 0"]').dblclick();
	await expect(page.getByTestId('folder-status')).toContainText('100,000 items');
	// Only what is in view is rendered; End reaches the last of them.
	expect(await page.getByTestId('folder-entry').count()).toBeLessThan(300);
	await page.getByTestId('explorer-scroller').press('End');
	await expect(page.locator('[data-testid=folder-entry][data-name="file-99999.txt"]')).toBeVisible();
	const search = await page.evaluate(async () =>
		(await window.orrery!.searchNames('file-99999.txt')).map((e) => e.name)
	);
	expect(search).toEqual(['file-99999.txt']);
});
