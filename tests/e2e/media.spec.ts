import { expect, test, type Page } from '@playwright/test';
import { PHOTO, withExif } from '../fixtures/exif';
import { createLibraryFromUi, openApp } from './helpers';
import { pickerReturns } from './tree';

/**
 * Test pictures, drawn in the page (OffscreenCanvas encodes JPEG, PNG and WebP); the JPEGs
 * get EXIF from piexifjs (tests/fixtures/exif.ts) in Node.
 */
async function drawn(page: Page, type: string, width: number, height: number): Promise<Uint8Array> {
	const bytes = await page.evaluate(
		async ({ type, width, height }) => {
			const canvas = new OffscreenCanvas(width, height);
			const g = canvas.getContext('2d')!;
			const gradient = g.createLinearGradient(0, 0, width, height);
			gradient.addColorStop(0, '#1d4ed8');
			gradient.addColorStop(1, '#f59e0b');
			g.fillStyle = gradient;
			g.fillRect(0, 0, width, height);
			g.fillStyle = '#fff';
			g.fillRect(width / 4, height / 4, width / 8, height / 2);
			const blob = await canvas.convertToBlob({ type, quality: 0.9 });
			return Array.from(new Uint8Array(await blob.arrayBuffer()));
		},
		{ type, width, height }
	);
	return Uint8Array.from(bytes);
}

async function writeFiles(page: Page, root: string, files: Record<string, Uint8Array>): Promise<void> {
	await page.evaluate(
		async ({ root, files }) => {
			const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
			for (const [name, bytes] of Object.entries(files)) {
				const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
				await writable.write(Uint8Array.from(bytes));
				await writable.close();
			}
		},
		{ root, files: Object.fromEntries(Object.entries(files).map(([n, b]) => [n, Array.from(b)])) }
	);
}

const entry = (page: Page, name: string) => page.locator(`[data-testid=folder-entry][data-name="${name}"]`);

test('thumbnails appear for JPEG, PNG and WebP, turned by EXIF; a broken image keeps its icon; the inspector shows EXIF', async ({
	page
}) => {
	test.setTimeout(180_000);
	await pickerReturns(page, 'pictures');
	await openApp(page);
	await createLibraryFromUi(page, 'Pictures');
	const jpeg = await drawn(page, 'image/jpeg', 640, 480);
	await writeFiles(page, 'pictures', {
		'photo.jpg': withExif(jpeg),
		'copy of photo.jpg': withExif(jpeg),
		'turned.jpg': withExif(await drawn(page, 'image/jpeg', 640, 480), 6),
		'drawing.png': await drawn(page, 'image/png', 300, 200),
		'poster.webp': await drawn(page, 'image/webp', 200, 300),
		// JPEG magic, then noise: an image by kind that no browser can decode.
		'broken.jpg': Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 3000 }, (_, i) => (i * 37) % 256)]),
		'notes.txt': new TextEncoder().encode('not a picture')
	});

	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await page.getByTestId('open-location').click();
	await page.getByTestId('view-grid').click();

	// Thumbnails are 256 px on the long side, turned as EXIF says.
	const thumb = (name: string) => entry(page, name).getByTestId('thumb');
	const size = (name: string) =>
		thumb(name).evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight] as const);
	await expect(thumb('photo.jpg')).toBeVisible({ timeout: 60_000 });
	for (const name of ['copy of photo.jpg', 'turned.jpg', 'drawing.png', 'poster.webp']) {
		await expect(thumb(name)).toBeVisible();
	}
	await expect.poll(() => size('photo.jpg')).toEqual([256, 192]);
	await expect.poll(() => size('turned.jpg')).toEqual([192, 256]);
	await expect.poll(() => size('drawing.png')).toEqual([256, 171]);
	await expect.poll(() => size('poster.webp')).toEqual([171, 256]);
	// Copies share one thumbnail, keyed by content id, in OPFS.
	const stored = await page.evaluate(async () => {
		const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('orrery-thumbs');
		let count = 0;
		for await (const library of (root as unknown as { values(): AsyncIterable<FileSystemDirectoryHandle> }).values()) {
			for await (const shard of (
				library as unknown as { values(): AsyncIterable<FileSystemDirectoryHandle> }
			).values()) {
				for await (const _ of (shard as unknown as { values(): AsyncIterable<unknown> }).values()) count++;
			}
		}
		return count;
	});
	expect(stored).toBe(4);
	// The broken one shows its kind's icon, never a broken image.
	await expect(entry(page, 'broken.jpg').locator('svg[data-kind=image]')).toBeVisible();
	await expect(thumb('broken.jpg')).toHaveCount(0);
	await page.screenshot({ path: test.info().outputPath('explorer-grid-thumbnails.png') });

	// The inspector: EXIF of the real JPEG.
	await entry(page, 'photo.jpg').click();
	const details = page.getByTestId('file-details');
	await expect(details.getByTestId('detail-camera')).toHaveText('Canon EOS R6');
	await expect(details.getByTestId('detail-lens')).toHaveText(PHOTO.lens);
	await expect(details.getByTestId('detail-exposure')).toHaveText('f/4 · 1/250 s · ISO 400 · 35 mm');
	await expect(details.getByTestId('detail-dimensions')).toHaveText('640 × 480');
	await expect(details.getByTestId('detail-taken')).toContainText('2023');
	await expect(details.getByTestId('detail-taken')).toContainText('6:42');
	await expect(details.getByTestId('detail-gps')).toHaveAttribute('href', /mlat=48\.858222&mlon=2\.2945/);
	await expect(details.getByTestId('thumb')).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('explorer-inspector.png') });

	// The media view: pictures only, dense.
	await page.getByTestId('view-media').click();
	await expect(page.getByTestId('folder-status')).toContainText('6 photos and videos');
	await expect(entry(page, 'notes.txt')).toHaveCount(0);
	await expect(thumb('poster.webp')).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('explorer-media.png') });

	// Sorted by date taken, the photos with EXIF dates come first.
	await page.getByTestId('view-list').click();
	await page.getByTestId('sort-taken').click();
	const at = (i: number) => page.locator(`[data-testid=folder-entry][data-index="${i}"]`).getAttribute('data-name');
	await expect(page.locator('[data-testid=folder-entry][data-index="0"]')).toHaveAttribute('data-name', /photo|turned/);
	const dated = [await at(0), await at(1), await at(2)].sort();
	expect(dated).toEqual(['copy of photo.jpg', 'photo.jpg', 'turned.jpg']);
	await page.screenshot({ path: test.info().outputPath('explorer-list.png') });
});
