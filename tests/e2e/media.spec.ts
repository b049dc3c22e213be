import { expect, test, type Page } from '@playwright/test';
import { PHOTO, withExif } from '../fixtures/exif';
import { createLibraryFromUi, openApp, watchPageErrors } from './helpers';
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
			let dir = await navigator.storage.getDirectory();
			for (const part of root.split('/')) dir = await dir.getDirectoryHandle(part, { create: true });
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
			// Libraries are folders (a hasher warming up leaves a passing file here).
			if (library.kind !== 'directory') continue;
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
	// The other copy is listed and links to itself, selected in its folder.
	await details.locator('[data-testid=other-copy][data-path="copy of photo.jpg"] a').click();
	await expect(entry(page, 'copy of photo.jpg')).toHaveAttribute('aria-selected', 'true');
	await expect(details.getByTestId('other-copy')).toHaveAttribute('data-path', 'photo.jpg');
	// And back: the first copy's link works again (the address does not keep the last choice).
	await details.locator('[data-testid=other-copy][data-path="photo.jpg"] a').click();
	await expect(entry(page, 'photo.jpg')).toHaveAttribute('aria-selected', 'true');
	await expect(entry(page, 'copy of photo.jpg')).toHaveAttribute('aria-selected', 'false');
	await entry(page, 'photo.jpg').click();

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

/**
 * A short video recorded in the page: a canvas whose colour changes every few frames, through
 * MediaRecorder (WebM, which carries no duration: the reader must find it).
 */
async function recorded(page: Page, seconds: number): Promise<Uint8Array> {
	const bytes = await page.evaluate(async (seconds) => {
		const canvas = document.createElement('canvas');
		canvas.width = 320;
		canvas.height = 240;
		const g = canvas.getContext('2d')!;
		const stream = canvas.captureStream(30);
		const recorder = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8' });
		const chunks: Blob[] = [];
		recorder.ondataavailable = (e) => chunks.push(e.data);
		const stopped = new Promise((resolve) => (recorder.onstop = resolve));
		recorder.start(100);
		const start = performance.now();
		await new Promise<void>((resolve) => {
			const draw = () => {
				const t = (performance.now() - start) / 1000;
				g.fillStyle = `hsl(${Math.round(t * 120) % 360} 80% 50%)`;
				g.fillRect(0, 0, 320, 240);
				g.fillStyle = '#fff';
				g.fillRect(40 + t * 60, 80, 60, 80);
				if (t < seconds) requestAnimationFrame(draw);
				else resolve();
			};
			draw();
		});
		recorder.stop();
		await stopped;
		return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
	}, seconds);
	return Uint8Array.from(bytes);
}

/** A WAV of a sine tone: 16-bit mono PCM at 8 kHz. */
function tone(seconds: number): Uint8Array {
	const rate = 8000;
	const samples = Math.round(seconds * rate);
	const bytes = new Uint8Array(44 + samples * 2);
	const view = new DataView(bytes.buffer);
	const text = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
	text(0, 'RIFF');
	view.setUint32(4, 36 + samples * 2, true);
	text(8, 'WAVEfmt ');
	view.setUint32(16, 16, true);
	view.setUint16(20, 1, true);
	view.setUint16(22, 1, true);
	view.setUint32(24, rate, true);
	view.setUint32(28, rate * 2, true);
	view.setUint16(32, 2, true);
	view.setUint16(34, 16, true);
	text(36, 'data');
	view.setUint32(40, samples * 2, true);
	for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, Math.sin((i / rate) * 2 * Math.PI * 440) * 8000, true);
	return bytes;
}

test('a short recorded video gets a thumbnail of one of its frames, its size and duration; audio gets its duration', async ({
	page
}) => {
	test.setTimeout(120_000);
	await pickerReturns(page, 'clips');
	await openApp(page);
	await createLibraryFromUi(page, 'Clips');
	const video = await recorded(page, 2);
	await writeFiles(page, 'clips', {
		'clip.webm': video,
		'tone.wav': tone(2.5),
		// A video by its magic number that no browser can play.
		'broken.webm': Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3, ...Array.from({ length: 2000 }, (_, i) => (i * 53) % 256)])
	});
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await page.getByTestId('open-location').click();
	await page.getByTestId('view-grid').click();

	const thumb = entry(page, 'clip.webm').getByTestId('thumb');
	await expect(thumb).toBeVisible({ timeout: 60_000 });
	await expect
		.poll(() => thumb.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]))
		.toEqual([256, 192]);
	// A frame of the recording (coloured), not a black or empty picture.
	const colour = await thumb.evaluate((img: HTMLImageElement) => {
		const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
		const g = canvas.getContext('2d')!;
		g.drawImage(img, 0, 0);
		const [r, gr, b] = g.getImageData(10, 10, 1, 1).data;
		return r + gr + b;
	});
	expect(colour).toBeGreaterThan(150);
	// The recording carries no duration; it was found by seeking to the end.
	await expect(entry(page, 'clip.webm').getByTestId('duration')).toHaveText('0:02');
	await expect(entry(page, 'broken.webm').locator('svg[data-kind=video]')).toBeVisible();
	await expect(entry(page, 'broken.webm').getByTestId('thumb')).toHaveCount(0);

	await entry(page, 'clip.webm').click();
	const details = page.getByTestId('file-details');
	await expect(details.getByTestId('detail-dimensions')).toHaveText('320 × 240');
	await expect(details.getByTestId('detail-duration')).toHaveText('0:02');
	await entry(page, 'tone.wav').click();
	await expect(details.getByTestId('detail-duration')).toHaveText('0:03');
	await expect(details.getByTestId('detail-dimensions')).toHaveCount(0);
	await page.screenshot({ path: test.info().outputPath('explorer-video.png') });

	// Quick preview plays the file itself.
	await entry(page, 'clip.webm').click();
	await page.keyboard.press(' ');
	const player = page.getByTestId('preview').getByTestId('preview-video');
	await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
	await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(320);
});

test('quick preview: Space shows an image at full size, arrows step to the next file, text shows as text', async ({
	page
}) => {
	test.setTimeout(120_000);
	const noErrors = watchPageErrors(page);
	await pickerReturns(page, 'preview');
	await openApp(page);
	await createLibraryFromUi(page, 'Preview');
	await writeFiles(page, 'preview', {
		'a photo.jpg': withExif(await drawn(page, 'image/jpeg', 1200, 900)),
		'b notes.txt': new TextEncoder().encode('Shopping: bread, milk, 🍓'),
		'c data.bin': Uint8Array.from({ length: 100 }, (_, i) => i)
	});
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await page.getByTestId('open-location').click();
	await page.getByTestId('view-list').click();

	const list = page.getByTestId('explorer-scroller');
	await list.press('ArrowDown');
	await list.press(' ');
	const preview = page.getByTestId('preview');
	await expect(preview.getByTestId('preview-name')).toHaveText('a photo.jpg');
	// The file itself, not the thumbnail.
	await expect
		.poll(() => preview.getByTestId('preview-image').evaluate((img: HTMLImageElement) => img.naturalWidth))
		.toBe(1200);
	await page.screenshot({ path: test.info().outputPath('preview-image.png') });
	await page.keyboard.press('ArrowRight');
	await expect(preview.getByTestId('preview-text')).toHaveText('Shopping: bread, milk, 🍓');
	await page.keyboard.press('ArrowRight');
	await expect(preview).toHaveAttribute('data-mode', 'none');
	await expect(preview).toContainText('No preview for this kind of file.');
	await page.keyboard.press('ArrowLeft');
	await expect(preview.getByTestId('preview-name')).toHaveText('b notes.txt');
	await page.keyboard.press('Escape');
	await expect(preview).toHaveCount(0);
	await expect(list).toBeFocused();

	// The context menu: right-click, then its actions.
	await page.locator('[data-testid=folder-entry][data-name="a photo.jpg"]').click({ button: 'right' });
	await page.getByTestId('context-menu').getByTestId('menu-preview').click();
	await expect(preview.getByTestId('preview-name')).toHaveText('a photo.jpg');
	await page.keyboard.press(' ');
	await expect(preview).toHaveCount(0);

	// The sidebar lists the location and the files previewed, newest first; one opens its folder
	// with it selected.
	await page.goto('/locations');
	await expect(page.locator('[data-testid=sidebar-location][data-name=preview]')).toBeVisible();
	const recent = page.getByTestId('sidebar-recent');
	await expect(recent).toHaveCount(3);
	await expect(recent.first()).toHaveAttribute('data-path', 'a photo.jpg');
	await recent.nth(1).click();
	await expect(page.locator('[data-testid=folder-entry][data-name="b notes.txt"]')).toHaveAttribute(
		'aria-selected',
		'true'
	);
	// The selection is taken off the address once made.
	await expect(page).not.toHaveURL(/select=/);
	noErrors();
});

test('on a phone: a tap opens a folder and previews a photo; a long press selects, then taps add to it', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const context = await browser.newContext({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });
	const page = await context.newPage();
	try {
		await pickerReturns(page, 'phone');
		await openApp(page);
		await createLibraryFromUi(page, 'Phone');
		await writeFiles(page, 'phone', { 'readme.txt': new TextEncoder().encode('hello') });
		await page.evaluate(async () => {
			const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('phone');
			await root.getDirectoryHandle('album', { create: true });
		});
		const album = {
			'beach.jpg': withExif(await drawn(page, 'image/jpeg', 800, 600)),
			'hills.png': await drawn(page, 'image/png', 400, 300),
			'list.txt': new TextEncoder().encode('sunscreen')
		};
		await writeFiles(page, 'phone/album', album);
		await page.goto('/locations');
		await page.getByTestId('add-folder').tap();
		await page.getByTestId('open-location').tap();
		await page.getByTestId('view-grid').tap();

		await entry(page, 'album').tap();
		await expect(page).toHaveURL(/path=album/);
		await entry(page, 'beach.jpg').tap();
		const preview = page.getByTestId('preview');
		await expect(preview.getByTestId('preview-image')).toBeVisible();
		await page.screenshot({ path: test.info().outputPath('phone-preview.png') });
		await preview.getByTestId('preview-close').tap();
		await expect(preview).toHaveCount(0);

		// A long press (a finger held still) selects and opens the menu; taps then select.
		await longPress(page, entry(page, 'list.txt'));
		await expect(page.getByTestId('context-menu')).toBeVisible();
		await expect(entry(page, 'list.txt')).toHaveAttribute('aria-selected', 'true');
		await page.screenshot({ path: test.info().outputPath('phone-menu.png') });
		// A tap outside closes it.
		await page.getByTestId('menu-backdrop').tap({ position: { x: 20, y: 300 } });
		await expect(page.getByTestId('context-menu')).toHaveCount(0);
		await entry(page, 'hills.png').tap();
		await expect(page.getByTestId('selection-count')).toHaveText('· 2 selected');
		await expect(preview).toHaveCount(0);
	} finally {
		await context.close();
	}
});

/** Holds a finger on an element for a second (CDP touch events: Playwright has no long press). */
async function longPress(page: Page, target: ReturnType<Page['locator']>): Promise<void> {
	const box = await target.boundingBox();
	if (!box) throw new Error('nothing to press');
	const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
	await page.waitForTimeout(900);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
	await cdp.detach();
}
