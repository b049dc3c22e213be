import { chromium, devices, expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLibraryFromUi, openApp } from './helpers';

test('on a phone the sidebar is a drawer that opens, navigates and closes by touch', async ({ browser }) => {
	const context = await browser.newContext({ ...devices['Pixel 7'], baseURL: test.info().project.use.baseURL });
	const page = await context.newPage();
	await openApp(page);
	await createLibraryFromUi(page, 'Pocket');
	const settingsLink = page.getByRole('link', { name: 'Settings' });
	await expect(settingsLink).not.toBeInViewport();
	await page.getByRole('button', { name: 'Menu' }).tap();
	await expect(settingsLink).toBeInViewport();
	await page.screenshot({ path: test.info().outputPath('phone-drawer.png') });
	await settingsLink.tap();
	await expect(page).toHaveURL(/\/settings$/);
	await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
	await expect(settingsLink).not.toBeInViewport();
	await context.close();
});

test('the frame works from the keyboard: tab to a section, Enter opens it', async ({ page }) => {
	await openApp(page);
	await createLibraryFromUi(page, 'Keys');
	await page.keyboard.press('Tab');
	const seen: string[] = [];
	for (let i = 0; i < 16 && !seen.includes('Devices'); i++) {
		seen.push((await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')).replace(/^\W+/, ''));
		if (!seen.at(-1)?.startsWith('Devices')) await page.keyboard.press('Tab');
	}
	expect(seen.some((s) => s.startsWith('Devices'))).toBe(true);
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/devices$/);
	await page.goBack();
	await expect(page.getByTestId('library-title')).toHaveText('Keys');
	await page.screenshot({ path: test.info().outputPath('desktop-overview.png') });
});

test('settings show storage use and the device name can be changed', async ({ page }) => {
	await openApp(page);
	await createLibraryFromUi(page, 'Storage');
	await page.goto('/settings');
	await expect(page.getByTestId('storage-usage')).toContainText(/B$/);
	await expect(page.getByTestId('storage-quota')).toContainText(/B$/);
	const persisted = await page.evaluate(() => navigator.storage.persisted());
	await expect(page.getByTestId('storage-persisted')).toContainText(persisted ? /^Persistent:/ : /^Not persistent:/);
	await page.getByTestId('device-name').fill('Study desktop');
	await page.getByRole('button', { name: 'Save' }).click();
	await page.reload();
	await openApp(page, '/settings');
	await expect(page.getByTestId('device-name')).toHaveValue('Study desktop');
});

test('Chromium finds the app installable: manifest, icons and a service worker', async () => {
	// A persistent profile: Chromium never offers to install from an incognito-like context.
	const dir = await mkdtemp(join(tmpdir(), 'orrery-profile-'));
	const { launchOptions, baseURL } = test.info().project.use;
	const context = await chromium.launchPersistentContext(dir, { ...launchOptions, baseURL });
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await openApp(page);
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
		const manifest = await cdp.send('Page.getAppManifest');
		expect(manifest.errors).toEqual([]);
		expect(JSON.parse(manifest.data ?? '{}')).toMatchObject({ name: 'Orrery', display: 'standalone' });
	} finally {
		await context.close();
		await rm(dir, { recursive: true, force: true });
	}
});
