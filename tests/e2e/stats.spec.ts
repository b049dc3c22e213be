import { expect, test, type Locator, type Page } from '@playwright/test';
import { createLibraryFromUi, openApp, watchPageErrors } from './helpers';
import { makeTree, pickerReturns } from './tree';

/** `{ seed, size }`: seeded pseudo-random bytes (a JPEG's first bytes when `jpeg`); `{ text }`: that text. */
type Recipe = { seed: number; size: number; jpeg?: boolean } | { text: string };

async function writeFiles(page: Page, root: string, files: [string, Recipe][]): Promise<void> {
	await page.evaluate(
		async ({ root, files }) => {
			const bytesOf = (r: Recipe): Uint8Array => {
				if ('text' in r) return new TextEncoder().encode(r.text);
				const b = new Uint8Array(r.size);
				let x = r.seed * 2654435761;
				for (let i = 0; i < r.size; i++) {
					x = (x * 1103515245 + 12345) >>> 0;
					b[i] = x >>> 24;
				}
				if (r.jpeg) b.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
				return b;
			};
			const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
			for (const [path, recipe] of files) {
				const parts = path.split('/');
				const name = parts.pop()!;
				let dir = top;
				for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
				const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
				await writable.write(bytesOf(recipe) as BufferSource);
				await writable.close();
			}
		},
		{ root, files }
	);
}

const BEACH: Recipe = { seed: 2, size: 300_000, jpeg: true };

/** Beside makeTree's text files: photos (three copies of one), a text file twice, a script. */
const MAIN: [string, Recipe][] = [
	['photos/panorama.jpg', { seed: 1, size: 500_000, jpeg: true }],
	['photos/beach.jpg', BEACH],
	['backup/beach.jpg', BEACH],
	['backup/old/beach copy.jpg', BEACH],
	['notes/todo.txt', { text: 'buy milk\n' }],
	['backup/todo.txt', { text: 'buy milk\n' }],
	['src/main.py', { text: 'print("hello")\n' }]
];

/** A second location: a PDF, and a fourth copy of the beach photo. */
const SECOND: [string, Recipe][] = [
	['report.pdf', { text: '%PDF-1.4\n' + 'x'.repeat(50_000 - 9) }],
	['scan.jpg', BEACH]
];

/** Waits until both locations were indexed and identified and no job is left. */
async function jobsDone(page: Page, identified: number): Promise<void> {
	await expect
		.poll(
			async () =>
				page.evaluate(async (identified) => {
					const jobs = await window.orrery!.listJobs();
					const ids = jobs.filter((j) => j.kind === 'identify' && j.state === 'done').length;
					return ids >= identified && jobs.every((j) => j.state === 'done');
				}, identified),
			{ timeout: 60_000 }
		)
		.toBe(true);
}

async function expectValue(locator: Locator, value: number, text: string, timeout?: number): Promise<void> {
	await expect(locator).toHaveAttribute('data-value', String(value), { timeout });
	await expect(locator).toHaveText(text);
}

/** Where the sidebar ends: at or left of 0 once it has slid away on a narrow screen. */
async function sidebarRight(page: Page): Promise<number> {
	const box = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
	return box ? box.x + box.width : 0;
}

function row(page: Page, testid: string, attr: string, value: string): Locator {
	return page.locator(`[data-testid=${testid}][${attr}="${value}"]`);
}

test('the statistics page shows the true totals of a generated tree, and follows the tree as it changes', async ({
	page
}) => {
	test.setTimeout(120_000);
	const noErrors = watchPageErrors(page);
	await pickerReturns(page, 'stats');
	await openApp(page);
	await createLibraryFromUi(page, 'Counted');

	// An empty library says what to do, not a page of zeros.
	await page.getByRole('link', { name: 'Statistics', exact: true }).click();
	await expect(page.getByTestId('stats-empty')).toContainText('Nothing to count yet');

	// 12 text files of 0..17 bytes in 3 folders (one empty file), then MAIN.
	const made = await makeTree(page, { root: 'stats', dirs: 3, perDir: 4 });
	expect(made).toEqual({ files: 12, dirs: 3, bytes: 102 });
	await writeFiles(page, 'stats', MAIN);
	await writeFiles(page, 'second', SECOND);
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await expect(page.locator('[data-testid=location][data-name="stats"]')).toBeVisible();
	await pickerReturns(page, 'second');
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await expect(page.locator('[data-testid=location][data-name="second"]')).toBeVisible();
	await jobsDone(page, 2);

	await page.getByRole('link', { name: 'Statistics', exact: true }).click();
	const stats = page.getByTestId('statistics');
	const mainBytes = 102 + 500_000 + 3 * 300_000 + 2 * 9 + 15;
	const secondBytes = 50_000 + 300_000;
	// 12 + 7 files here, 2 there; makeTree's 3 folders and photos, backup, backup/old, notes, src.
	await expectValue(stats.getByTestId('stats-files'), 21, '21');
	await expectValue(stats.getByTestId('stats-folders'), 8, '8');
	await expectValue(stats.getByTestId('stats-bytes'), mainBytes + secondBytes, '1.7 MB');
	// Four copies of the beach photo across both locations, two of the note: keep one of each.
	await expectValue(stats.getByTestId('stats-reclaimable'), 3 * 300_000 + 9, '879 KB');
	await expect(stats.getByTestId('stats-duplicates')).toHaveAttribute('data-value', '6');
	await expect(stats.getByTestId('stats-duplicates').getByRole('link')).toHaveAttribute('href', '/duplicates');

	const here = await page.evaluate(async () => (await window.orrery!.settings()).deviceName);
	await expect(row(page, 'stats-location', 'data-name', 'stats')).toHaveAttribute('data-bytes', String(mainBytes));
	await expect(row(page, 'stats-location', 'data-name', 'stats')).toHaveAttribute('data-files', '19');
	await expect(row(page, 'stats-location', 'data-name', 'stats').getByTestId('stats-location-bytes')).toHaveText(
		'1.3 MB'
	);
	await expect(row(page, 'stats-location', 'data-name', 'second')).toHaveAttribute('data-bytes', String(secondBytes));
	await expect(row(page, 'stats-location', 'data-name', 'second').getByTestId('stats-location-bytes')).toHaveText(
		'342 KB'
	);
	await expect(page.getByTestId('stats-device')).toHaveCount(1);
	await expect(row(page, 'stats-device', 'data-name', here)).toHaveAttribute(
		'data-bytes',
		String(mainBytes + secondBytes)
	);

	// By kind, most bytes first: the photos; makeTree's files and the notes are text; one empty.
	const kinds = page.getByTestId('stats-kind');
	await expect(kinds).toHaveCount(5);
	await expect(kinds.first()).toHaveAttribute('data-kind', 'image');
	const image = row(page, 'stats-kind', 'data-kind', 'image');
	await expect(image).toHaveAttribute('data-files', '5');
	await expect(image).toHaveAttribute('data-bytes', String(500_000 + 4 * 300_000));
	await expect(image.getByTestId('stats-kind-bytes')).toHaveText('1.6 MB');
	await expect(row(page, 'stats-kind', 'data-kind', 'document')).toHaveAttribute('data-bytes', '50000');
	await expect(row(page, 'stats-kind', 'data-kind', 'text')).toHaveAttribute('data-files', '13');
	await expect(row(page, 'stats-kind', 'data-kind', 'text')).toHaveAttribute('data-bytes', String(102 + 18));
	await expect(row(page, 'stats-kind', 'data-kind', 'code')).toHaveAttribute('data-bytes', '15');
	await expect(row(page, 'stats-kind', 'data-kind', 'empty')).toHaveAttribute('data-files', '1');
	// The empty files have no area; every other kind has a tile.
	await expect(page.getByTestId('stats-tile')).toHaveCount(4);
	await expect(page.getByTestId('stats-pending')).toHaveCount(0);

	// The largest file first, as a link to it in its folder.
	const largest = page.getByTestId('stats-largest');
	await expect(largest.first()).toHaveAttribute('data-name', 'panorama.jpg');
	await expect(largest.first()).toHaveAttribute('data-bytes', '500000');
	await expect(largest.first()).toContainText('stats › photos');
	await expect(largest.first().getByRole('link')).toHaveAttribute('href', /\?path=photos&select=panorama\.jpg$/);

	// The “added” toasts go by themselves after 4 s; the picture is of the page.
	await expect(page.getByTestId('toast')).toHaveCount(0);
	await page.setViewportSize({ width: 1280, height: 1250 });
	await page.screenshot({ path: test.info().outputPath('statistics.png') });
	// A phone's width, tall enough for the whole page in one picture.
	await page.setViewportSize({ width: 390, height: 2000 });
	await expect.poll(() => sidebarRight(page)).toBeLessThanOrEqual(0);
	await page.screenshot({ path: test.info().outputPath('statistics-phone.png') });
	await page.setViewportSize({ width: 1280, height: 720 });

	// A larger photo added, a copy deleted, then a rescan: the open page follows.
	await writeFiles(page, 'stats', [
		['photos/huge.jpg', { seed: 5, size: 800_000, jpeg: true }],
		['notes/more.txt', { text: 'xyz' }]
	]);
	await page.evaluate(async () => {
		const top = await (await navigator.storage.getDirectory()).getDirectoryHandle('stats');
		const old = await (await top.getDirectoryHandle('backup')).getDirectoryHandle('old');
		await old.removeEntry('beach copy.jpg');
		const location = (await window.orrery!.listLocations()).find((l) => l.name === 'stats')!;
		await window.orrery!.rescanLocation(location.id);
	});
	const changed = mainBytes + 800_000 + 3 - 300_000;
	await expectValue(stats.getByTestId('stats-bytes'), changed + secondBytes, '2.1 MB', 30_000);
	await expectValue(stats.getByTestId('stats-reclaimable'), 2 * 300_000 + 9, '586 KB', 30_000);
	await expectValue(stats.getByTestId('stats-files'), 22, '22');
	await expectValue(stats.getByTestId('stats-folders'), 8, '8');
	await expect(stats.getByTestId('stats-duplicates')).toHaveAttribute('data-value', '5');
	await expect(row(page, 'stats-location', 'data-name', 'stats')).toHaveAttribute('data-bytes', String(changed));
	await expect(image).toHaveAttribute('data-bytes', String(500_000 + 800_000 + 3 * 300_000), { timeout: 30_000 });
	await expect(largest.first()).toHaveAttribute('data-name', 'huge.jpg');
	noErrors();
});
