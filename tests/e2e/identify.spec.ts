import { expect, test, type Page } from '@playwright/test';
import { createLibraryFromUi, openApp } from './helpers';
import { pickerReturns } from './tree';

/**
 * A tree with known duplicates, written into OPFS: `[path, recipe]`, where a recipe is
 * `{ seed, size }` for seeded pseudo-random bytes (an optional `flip` offset inverts one byte),
 * or `{ text }`.
 */
type Recipe = { seed: number; size: number; flip?: number; jpeg?: boolean } | { text: string };

const MIB = 1024 * 1024;
/** Just past the first 10 KiB sample of a 1 MiB file: no byte the sampled content id reads. */
const BETWEEN_SAMPLES = 8192 + 10_240 + 100;

const TREE: [string, Recipe][] = [
	['raw/one.raw', { seed: 1, size: MIB }],
	['raw/other.raw', { seed: 1, size: MIB, flip: BETWEEN_SAMPLES }],
	['photos/photo.jpg', { seed: 2, size: 200 * 1024, jpeg: true }],
	['backup/photo copy.jpg', { seed: 2, size: 200 * 1024, jpeg: true }],
	['backup/old/photo.jpg', { seed: 2, size: 200 * 1024, jpeg: true }],
	['notes.txt', { text: 'hello world' }],
	['backup/notes.txt', { text: 'hello world' }],
	['unique.bin', { seed: 3, size: 5000 }],
	['empty-1.txt', { text: '' }],
	['backup/empty-2.txt', { text: '' }]
];

async function writeTree(page: Page, root: string, tree: [string, Recipe][]): Promise<void> {
	await page.evaluate(
		async ({ root, tree }) => {
			const bytesOf = (r: Recipe): Uint8Array => {
				if ('text' in r) return new TextEncoder().encode(r.text);
				const b = new Uint8Array(r.size);
				let x = r.seed * 2654435761;
				for (let i = 0; i < r.size; i++) {
					x = (x * 1103515245 + 12345) >>> 0;
					b[i] = x >>> 24;
				}
				if (r.jpeg) b.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
				if (r.flip !== undefined) b[r.flip] ^= 0xff;
				return b;
			};
			let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
			const top = dir;
			for (const [path, recipe] of tree) {
				const parts = path.split('/');
				const name = parts.pop()!;
				dir = top;
				for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
				const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
				await writable.write(bytesOf(recipe) as BufferSource);
				await writable.close();
			}
		},
		{ root, tree }
	);
}

async function jobsDone(page: Page): Promise<void> {
	await expect
		.poll(
			async () =>
				page.evaluate(async () => {
					const jobs = await window.orrery!.listJobs();
					return jobs.some((j) => j.kind === 'identify') && jobs.every((j) => j.state === 'done');
				}),
			{ timeout: 60_000 }
		)
		.toBe(true);
}

/** A new library with TREE written to the OPFS folder `root`, picked as a location and identified. */
async function addTreeAsLocation(page: Page, root: string, library: string): Promise<void> {
	await pickerReturns(page, root);
	await openApp(page);
	await createLibraryFromUi(page, library);
	await writeTree(page, root, TREE);
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await jobsDone(page);
}

test('the duplicates view shows the true groups, and confirming splits files that differ between the samples', async ({
	page
}) => {
	test.setTimeout(120_000);
	await addTreeAsLocation(page, 'dups', 'Duplicates');

	await page.goto('/duplicates');
	const summary = page.getByTestId('dup-summary');
	// One MiB twice, 200 KiB three times, 11 bytes twice; the empty files have no content id.
	await expect(summary).toHaveAttribute('data-groups', '3');
	await expect(summary).toHaveAttribute('data-bytes', String(MIB + 2 * 200 * 1024 + 11));
	const groups = page.getByTestId('dup-group');
	await expect(groups).toHaveCount(3);
	// Most wasted bytes first.
	await expect(groups.nth(0).getByTestId('dup-member')).toHaveText([/raw\/one\.raw/, /raw\/other\.raw/]);
	await expect(groups.nth(1).getByTestId('dup-member')).toHaveText([
		/backup\/old\/photo\.jpg/,
		/backup\/photo copy\.jpg/,
		/photos\/photo\.jpg/
	]);
	await expect(groups.nth(2).getByTestId('dup-member')).toHaveText([/backup\/notes\.txt/, /^\s*dups ›\s*notes\.txt/]);
	await expect(groups.nth(1)).toContainText('image');

	// The 1 MiB pair shares a sampled id; full checksums tell the files apart.
	await groups.nth(0).getByTestId('dup-confirm').click();
	await expect(groups).toHaveCount(2);
	await expect(page.getByTestId('dup-split')).toHaveAttribute('data-split', '1');
	await expect(summary).toHaveAttribute('data-bytes', String(2 * 200 * 1024 + 11));

	// The photos are true copies: confirmed, still one group.
	await groups.nth(0).getByTestId('dup-confirm').click();
	await expect(groups.nth(0).getByTestId('dup-confirmed')).toBeVisible();
	await expect(groups.nth(0)).toHaveAttribute('data-confirmed', 'true');
	await expect(groups).toHaveCount(2);
});

test('the file details show the kind, the Spacedrive-compatible content id and a full checksum on demand', async ({
	page
}) => {
	test.setTimeout(120_000);
	await addTreeAsLocation(page, 'details', 'Details');

	await page.getByTestId('open-location').click();
	await page.locator('[data-testid=folder-entry][data-name="notes.txt"]').click();
	const details = page.getByTestId('file-details');
	// DESIGN.md §3's vector, computed here by hash-wasm in a hasher worker.
	await expect(details.getByTestId('detail-cas')).toHaveText('4d70ca83d92fed8e');
	await expect(details.getByTestId('detail-kind')).toContainText('text');
	await details.getByTestId('checksum').click();
	// BLAKE3("hello world").
	await expect(details.getByTestId('detail-checksum')).toHaveText(
		'd74981efa70a0c880b8d8c1985d075dbcbf679b99a5f9914e5aaf96b831a9e24'
	);
	await expect(details).toContainText('2 files with this content');

	await page.locator('[data-testid=folder-entry][data-name="photos"]').dblclick();
	await page.locator('[data-testid=folder-entry][data-name="photo.jpg"]').click();
	await expect(details.getByTestId('detail-kind')).toHaveText('image (image/jpeg)');
});
