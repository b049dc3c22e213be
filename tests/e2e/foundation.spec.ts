import { expect, test } from '@playwright/test';
import { createLibraryFromUi, libraryNames, openApp, role } from './helpers';

test('a library created in the app is still there after a reload (SQLite on OPFS)', async ({ page }) => {
	await openApp(page);
	await expect(page.getByRole('heading', { name: 'Welcome to Orrery' })).toBeVisible();
	await createLibraryFromUi(page, 'Family photos');
	await expect(page.getByTestId('library-title')).toHaveText('Family photos');
	await page.reload();
	await openApp(page);
	await expect(page.getByTestId('library-title')).toHaveText('Family photos');
	await expect(page.getByTestId('library-switcher')).toContainText('Family photos');
});

test('libraries can be renamed, switched and deleted from the libraries page', async ({ page }) => {
	await openApp(page, '/libraries');
	await createLibraryFromUi(page, 'Work');
	await createLibraryFromUi(page, 'Music');
	const music = page.locator('[data-testid=library-item][data-name="Music"]');
	await music.getByRole('button', { name: 'Rename' }).click();
	await page.getByLabel('Library name').fill('Records');
	await page.getByRole('button', { name: 'Save' }).click();
	const records = page.locator('[data-testid=library-item][data-name="Records"]');
	await records.getByRole('button', { name: 'Open' }).click();
	await expect(records.getByText('Open', { exact: true })).toBeVisible();
	page.once('dialog', (d) => void d.accept());
	await page.locator('[data-testid=library-item][data-name="Work"]').getByRole('button', { name: 'Delete' }).click();
	await expect(page.getByTestId('library-item')).toHaveCount(1);
	await page.reload();
	await openApp(page, '/libraries');
	expect(await libraryNames(page)).toEqual(['Records']);
});

test('two tabs share one core: each creates a library and both see both without reloading', async ({ context }) => {
	const a = await context.newPage();
	await openApp(a, '/libraries');
	await expect.poll(() => role(a)).toBe('leader');
	const b = await context.newPage();
	await openApp(b, '/libraries');
	expect(await role(b)).toBe('follower');

	await createLibraryFromUi(a, 'From tab A');
	await createLibraryFromUi(b, 'From tab B');
	for (const page of [a, b]) {
		await expect(page.getByTestId('library-name')).toHaveText(['From tab A', 'From tab B']);
	}
});

test('three tabs all read and write through the one leader', async ({ context }) => {
	const pages = [];
	for (let i = 0; i < 3; i++) {
		const p = await context.newPage();
		await openApp(p, '/libraries');
		pages.push(p);
	}
	expect((await Promise.all(pages.map(role))).sort()).toEqual(['follower', 'follower', 'leader']);
	await Promise.all(pages.map((p, i) => p.evaluate((n) => window.orrery!.createLibrary({ name: `Tab ${n}` }), i)));
	for (const p of pages) {
		await expect(p.getByTestId('library-name')).toHaveCount(3);
		expect(await libraryNames(p)).toEqual(['Tab 0', 'Tab 1', 'Tab 2']);
	}
});

test('closing the leader tab hands the core to another tab within 2 s, losing no write', async ({ context }) => {
	const leader = await context.newPage();
	await openApp(leader, '/libraries');
	await expect.poll(() => role(leader)).toBe('leader');
	const follower = await context.newPage();
	await openApp(follower, '/libraries');
	await createLibraryFromUi(leader, 'Before hand-over');
	await expect(follower.getByTestId('library-name')).toHaveText(['Before hand-over']);

	const closedAt = Date.now();
	await leader.close();
	// Written while no tab leads: queued, then served by the new leader.
	const during = follower.evaluate(() => window.orrery!.createLibrary({ name: 'During hand-over' }));
	await expect(follower.getByTestId('core-role')).toHaveAttribute('data-role', 'leader', { timeout: 2_000 });
	const handOverMs = Date.now() - closedAt;
	expect(handOverMs).toBeLessThan(2_000);
	await during;
	await createLibraryFromUi(follower, 'After hand-over');
	await expect(follower.getByTestId('library-name')).toHaveCount(3);

	await follower.reload();
	await openApp(follower, '/libraries');
	expect(await libraryNames(follower)).toEqual(['After hand-over', 'Before hand-over', 'During hand-over']);
	test.info().annotations.push({ type: 'hand-over-ms', description: String(handOverMs) });
});

test('a crashed core worker hands over to another tab; no saved write is lost and calls do not hang', async ({
	context
}) => {
	const first = await context.newPage();
	await openApp(first, '/libraries');
	await expect.poll(() => role(first)).toBe('leader');
	const second = await context.newPage();
	await openApp(second, '/libraries');
	await createLibraryFromUi(first, 'Saved before the crash');

	const coreWorker = first.workers().find((w) => w.url().includes('core.worker'));
	expect(coreWorker, 'the leader runs the core worker').toBeTruthy();
	await coreWorker!.evaluate(() => {
		setTimeout(() => {
			throw new Error('simulated crash of the core worker');
		});
	});

	await expect(second.getByTestId('core-role')).toHaveAttribute('data-role', 'leader', { timeout: 5_000 });
	await expect(first.getByTestId('core-role')).toHaveAttribute('data-role', 'follower');
	await createLibraryFromUi(first, 'Written after the crash');
	await createLibraryFromUi(second, 'Also after the crash');
	await second.reload();
	await openApp(second, '/libraries');
	expect(await libraryNames(second)).toEqual([
		'Also after the crash',
		'Saved before the crash',
		'Written after the crash'
	]);
});
