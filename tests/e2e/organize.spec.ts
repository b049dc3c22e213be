import { expect, test, type Page } from '@playwright/test';
import { createLibraryFromUi, openApp, watchPageErrors } from './helpers';
import { pickerReturns } from './tree';

/** Small text files: two share their content (so a tag on one is on both). */
const FILES: [string, string][] = [
	['trip/beach.txt', 'sand and sea'],
	['trip/beach copy.txt', 'sand and sea'],
	['trip/sunset.txt', 'orange sky'],
	['work/report.txt', 'quarterly numbers'],
	['work/notes.md', 'remember the milk']
];

async function writeFiles(page: Page, root: string): Promise<void> {
	await page.evaluate(
		async ({ root, files }) => {
			const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
			for (const [path, text] of files) {
				const parts = path.split('/');
				const name = parts.pop()!;
				let dir = top;
				for (const part of parts) dir = await dir.getDirectoryHandle(part, { create: true });
				const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
				await w.write(text);
				await w.close();
			}
		},
		{ root, files: FILES }
	);
}

async function jobsDone(page: Page): Promise<void> {
	await expect
		.poll(
			() =>
				page.evaluate(async () => {
					const jobs = await window.orrery!.listJobs();
					return jobs.some((j) => j.kind === 'identify') && jobs.every((j) => j.state === 'done');
				}),
			{ timeout: 60_000 }
		)
		.toBe(true);
}

const names = (page: Page) =>
	page
		.getByTestId('search-results')
		.getByTestId('folder-entry')
		.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')).sort());

test('tags from the context menu and the inspector; found through the tag page and a search with a tag filter; a saved search survives a reload', async ({
	page
}) => {
	const noErrors = watchPageErrors(page);
	await pickerReturns(page, 'organize');
	await openApp(page);
	await createLibraryFromUi(page, 'Organize');
	await writeFiles(page, 'organize');
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	await jobsDone(page);

	// Context menu: a new tag "Holiday" on beach.txt goes on its content, so its copy has it too.
	await page.getByTestId('sidebar-location').first().click();
	await page.locator('[data-testid=folder-entry][data-name=trip]').dblclick();
	await page.locator('[data-testid=folder-entry][data-name="beach.txt"]').click({ button: 'right' });
	await page.getByTestId('menu-tags').click();
	await page.getByTestId('tag-picker-filter').fill('Holiday');
	await page.getByTestId('tag-picker-filter').press('Enter');
	const holiday = page.locator('[data-testid=sidebar-tag][data-name=Holiday]');
	await expect(holiday).toContainText('2');

	// The inspector: sunset.txt gets "Holiday" from the picker, then shows it.
	await page.locator('[data-testid=folder-entry][data-name="sunset.txt"]').click();
	await page.getByTestId('file-details').getByTestId('add-tag').click();
	await page.getByTestId('tag-picker-filter').fill('holi');
	await page.locator('[data-testid=tag-option][data-name=Holiday]').click();
	await expect(page.getByTestId('file-details').locator('[data-testid=entry-tag][data-name=Holiday]')).toBeVisible();
	await expect(holiday).toContainText('3');
	// And a favorite, from the inspector.
	await page.getByTestId('file-details').getByTestId('favorite').click();
	await expect(page.getByTestId('file-details').getByTestId('favorite')).toHaveAttribute('aria-pressed', 'true');

	// Keyboard: Alt+T on report.txt (in work/) makes the tag "Work".
	await page.goto('/locations');
	await page.getByTestId('sidebar-location').first().click();
	await page.locator('[data-testid=folder-entry][data-name=work]').dblclick();
	await page.locator('[data-testid=folder-entry][data-name="report.txt"]').click();
	await page.keyboard.press('Alt+t');
	await page.getByTestId('tag-picker-filter').fill('Work');
	await page.keyboard.press('Enter');
	await expect(page.locator('[data-testid=sidebar-tag][data-name=Work]')).toContainText('1');

	// The tag page lists what the tag is on, in every folder.
	await holiday.click();
	await expect(page.getByTestId('tag-page')).toHaveAttribute('data-name', 'Holiday');
	await expect.poll(() => names(page)).toEqual(['beach copy.txt', 'beach.txt', 'sunset.txt']);

	// Search: Ctrl+K, type, then a tag filter narrows it (any of / none of).
	await page.keyboard.press('Control+k');
	await expect(page.getByTestId('search-box')).toBeFocused();
	await page.keyboard.type('txt');
	await expect(page).toHaveURL(/\/search\?q=txt/);
	await expect.poll(() => names(page)).toEqual(['beach copy.txt', 'beach.txt', 'report.txt', 'sunset.txt']);
	await page.locator('[data-testid=filter-tag][data-name=Holiday]').selectOption('any');
	await expect.poll(() => names(page)).toEqual(['beach copy.txt', 'beach.txt', 'sunset.txt']);
	await page.locator('[data-testid=filter-tag][data-name=Holiday]').selectOption('none');
	await expect.poll(() => names(page)).toEqual(['report.txt']);
	await page.locator('[data-testid=filter-tag][data-name=Holiday]').selectOption('any');
	await page.getByTestId('filter-favorites').check();
	await expect.poll(() => names(page)).toEqual(['sunset.txt']);
	await page.getByTestId('filter-favorites').uncheck();
	await expect.poll(() => names(page)).toEqual(['beach copy.txt', 'beach.txt', 'sunset.txt']);

	// Saved, it is in the sidebar after a reload and opens the same results.
	await page.getByTestId('save-search').click();
	await page.getByTestId('saved-search-name').fill('Holiday texts');
	await page.getByTestId('saved-search-save').click();
	await expect(page.locator('[data-testid=sidebar-saved-search][data-name="Holiday texts"]')).toBeVisible();
	await page.goto('/');
	await page.reload();
	await page.locator('[data-testid=sidebar-saved-search][data-name="Holiday texts"]').click();
	await expect(page.getByRole('heading', { name: 'Holiday texts' })).toBeVisible();
	await expect(page.getByTestId('search-box')).toHaveValue('txt');
	await expect.poll(() => names(page)).toEqual(['beach copy.txt', 'beach.txt', 'sunset.txt']);

	// Dragged onto a sidebar tag, a file gets that tag. (The box keeps the page's filters.)
	await page.locator('[data-testid=filter-tag][data-name=Holiday]').selectOption('');
	await page.getByTestId('search-box').fill('notes');
	await expect.poll(() => names(page)).toEqual(['notes.md']);
	await page
		.getByTestId('search-results')
		.locator('[data-testid=folder-entry][data-name="notes.md"]')
		.dragTo(page.locator('[data-testid=sidebar-tag][data-name=Work]'));
	await expect(page.locator('[data-testid=sidebar-tag][data-name=Work]')).toContainText('2');
	await page.screenshot({ path: 'test-results/search-results.png' });
	noErrors();
});

test('the tags page makes, renames, recolours, nests and deletes tags; nested tags move up when their parent goes', async ({
	page
}) => {
	const noErrors = watchPageErrors(page);
	await openApp(page);
	await createLibraryFromUi(page, 'Tag manager');
	await page.goto('/tags');
	for (const name of ['Family', 'Kids']) {
		await page.getByTestId('new-tag-name').fill(name);
		await page.getByTestId('create-tag').click();
		await expect(page.locator(`[data-testid=tag-row][data-name=${name}]`)).toBeVisible();
	}
	const kids = page.locator('[data-testid=tag-row][data-name=Kids]');
	await kids.getByTestId('tag-parent').selectOption({ label: 'inside Family' });
	await expect
		.poll(() => page.evaluate(async () => (await window.orrery!.listTags()).map((t) => t.name)))
		.toEqual(['Family', 'Kids']);
	const tags = () => page.evaluate(async () => window.orrery!.listTags());
	await expect.poll(async () => (await tags())[1].parent).toBe((await tags())[0].id);
	await kids.getByTestId('rename-tag').click();
	await page.getByTestId('rename-tag-input').fill('Children');
	await page.getByTestId('rename-tag-input').press('Enter');
	const children = page.locator('[data-testid=tag-row][data-name=Children]');
	await children.getByRole('button', { name: 'Colour #12a594' }).click();
	await expect.poll(async () => (await tags()).find((t) => t.name === 'Children')?.color).toBe('#12a594');
	// A twin name beside it is refused with a clear message.
	await page.getByTestId('new-tag-name').fill('family');
	await page.getByTestId('create-tag').click();
	await expect(page.getByText('There is a tag “Family” here already.')).toBeVisible();
	page.once('dialog', (d) => void d.accept());
	await page.locator('[data-testid=tag-row][data-name=Family]').getByTestId('delete-tag').click();
	await expect.poll(async () => (await tags()).map((t) => [t.name, t.parent])).toEqual([['Children', null]]);
	await expect(page.locator('[data-testid=sidebar-tag][data-name=Children]')).toBeVisible();
	noErrors();
});
