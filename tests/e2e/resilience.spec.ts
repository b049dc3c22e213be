import { expect, test } from '@playwright/test';
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { readFile } from 'node:fs/promises';
import { serveBuild } from '../../scripts/serve.js';
import { createLibraryFromUi, libraryNames, openApp } from './helpers';

test('the built app starts offline from its service worker and reads the library', async ({ browser }) => {
	// Its own server, so "offline" is real: the server is stopped, not just flagged.
	const server = await serveBuild({ port: 0 });
	const context = await browser.newContext({ baseURL: server.url });
	try {
		const page = await context.newPage();
		await openApp(page);
		await createLibraryFromUi(page, 'Offline library');
		await expect(page.getByTestId('library-title')).toHaveText('Offline library');
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await server.close();
		await context.setOffline(true);
		await page.reload();
		await openApp(page);
		await expect(page.getByTestId('library-title')).toHaveText('Offline library');
		// A deep link works offline too (navigation fallback to the shell).
		await page.goto('/libraries');
		await expect(page.getByTestId('library-name')).toHaveText(['Offline library']);
	} finally {
		await context.close();
		await server.close().catch(() => {});
	}
});

test('a foreign database where a library should be gives a clear error and a way out', async ({ page }) => {
	const sqlite3 = await sqlite3InitModule();
	const db = new sqlite3.oo1.DB(':memory:');
	db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);');
	const foreign = Buffer.from(sqlite3.capi.sqlite3_js_db_export(db));
	db.close();

	await openApp(page, '/libraries');
	await page
		.getByTestId('import-library')
		.setInputFiles({ name: 'accounts.sqlite3', mimeType: 'application/vnd.sqlite3', buffer: foreign });
	await page.getByRole('link', { name: 'Library', exact: true }).click();
	await expect(page.getByTestId('broken-library')).toBeVisible();
	await expect(page.getByTestId('broken-reason')).toContainText('database of another program');

	await page.getByTestId('set-aside').click();
	await expect(page.getByTestId('library-title')).toHaveText('accounts');
	await page.goto('/settings');
	await expect(page.getByTestId('set-aside-list')).toContainText('.damaged');
});

test('a damaged library file is caught on open, survives reloads as an error, and can be set aside', async ({
	page
}) => {
	await openApp(page);
	await createLibraryFromUi(page, 'Precious');
	await page.evaluate(async () => {
		const lib =
			(await window.orrery!.listLocations(), await window.orrery!.createLocation({ name: 'Home', kind: 'opfs' }));
		const dirs = Array.from({ length: 50 }, (_, i) => ({ path: `d${i}`, isDir: true, size: 0, mtime: 1 }));
		await window.orrery!.putEntries(lib.id, dirs);
		const files = dirs.flatMap((d) =>
			Array.from({ length: 40 }, (_, j) => ({ path: `${d.path}/file-${j}.txt`, isDir: false, size: j, mtime: 2 }))
		);
		await window.orrery!.putEntries(lib.id, files);
	});
	await page.goto('/libraries');
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Back up' }).click();
	const bytes = await readFile(await (await download).path());
	expect(bytes.subarray(0, 15).toString()).toBe('SQLite format 3');
	// Keep the header (so it still looks like SQLite) and scribble over the pages.
	const damaged = Buffer.from(bytes);
	damaged.fill(0x5a, 8192);

	await page
		.getByTestId('import-library')
		.setInputFiles({ name: 'Precious copy.sqlite3', mimeType: 'application/vnd.sqlite3', buffer: damaged });
	await page.getByRole('link', { name: 'Library', exact: true }).click();
	await expect(page.getByTestId('broken-reason')).toContainText(/damaged|malformed/);
	await page.reload();
	await openApp(page);
	await expect(page.getByTestId('broken-library')).toBeVisible();
	await page.getByTestId('set-aside').click();
	await expect(page.getByTestId('library-title')).toHaveText('Precious copy');
	await expect(page.getByTestId('stat-entries')).toHaveText('0');
	// The original library is untouched.
	await page.getByTestId('library-switcher').selectOption({ label: 'Precious' });
	await expect(page.getByTestId('stat-entries')).toHaveText('2050');
	expect(await libraryNames(page)).toEqual(['Precious', 'Precious copy']);
});

test('a full disk gives a clear message and leaves the database intact', async ({ page, context }) => {
	await openApp(page);
	await createLibraryFromUi(page, 'Before the disk filled');
	const location = await page.evaluate(() => window.orrery!.createLocation({ name: 'Home', kind: 'opfs' }));
	const cdp = await context.newCDPSession(page);
	const origin = new URL(page.url()).origin;
	const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 256 * 1024 });

	const error = await page.evaluate(async (loc) => {
		const rows = Array.from({ length: 20_000 }, (_, i) => ({
			path: `big-name-${'x'.repeat(60)}-${i}.bin`,
			isDir: false,
			size: i,
			mtime: i
		}));
		try {
			await window.orrery!.putEntries(loc, rows);
			return null;
		} catch (e) {
			return { code: (e as { code?: string }).code, message: (e as Error).message };
		}
	}, location.id);
	expect(error?.code, error?.message).toBe('QuotaExceeded');
	expect(error?.message).toMatch(/no room left/);

	// Room again: the next write works at once, without a reload.
	await cdp.send('Storage.overrideQuotaForOrigin', { origin });
	const retried = await page.evaluate(
		(loc) => window.orrery!.putEntries(loc, [{ path: 'retry.txt', isDir: false, size: 1, mtime: 1 }]),
		location.id
	);
	expect(retried).toBe(1);
	await page.reload();
	await openApp(page);
	await expect(page.getByTestId('library-title')).toHaveText('Before the disk filled');
	await expect(page.getByTestId('stat-entries')).toHaveText('1');
	const written = await page.evaluate(
		(loc) => window.orrery!.putEntries(loc, [{ path: 'after.txt', isDir: false, size: 1, mtime: 1 }]),
		location.id
	);
	expect(written).toBe(1);
});
