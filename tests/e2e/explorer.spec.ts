import { expect, test, type Page } from '@playwright/test';
import { createLibraryFromUi, openApp, watchPageErrors } from './helpers';
import { makeTree, pickerReturns } from './tree';

/** Adds the OPFS folder `root` as a location through the UI and waits for its index and ids. */
async function addLocation(page: Page, root: string, files: number): Promise<void> {
	await page.goto('/locations');
	await page.getByTestId('add-folder').click();
	const location = page.locator(`[data-testid=location][data-name="${root}"]`);
	await expect(location.getByTestId('location-files')).toHaveText(`${files.toLocaleString('en-US')} files`, {
		timeout: 240_000
	});
	await location.getByTestId('open-location').click();
}

const entry = (page: Page, name: string) => page.locator(`[data-testid=folder-entry][data-name="${name}"]`);

test('a folder of 20,000 entries opens, scrolls to the end in every view, and sorts by a column', async ({ page }) => {
	test.setTimeout(420_000);
	await pickerReturns(page, 'big');
	await openApp(page);
	await createLibraryFromUi(page, 'Big');
	await makeTree(page, { root: 'big', dirs: 1, perDir: 20_000 });
	await addLocation(page, 'big', 20_000);
	await entry(page, 'folder 0').dblclick();
	await expect(page).toHaveURL(/path=folder%200/);
	await expect(page.getByTestId('folder-status')).toContainText('20,000 items');
	const scroller = page.getByTestId('explorer-scroller');

	for (const view of ['list', 'grid'] as const) {
		await page.getByTestId(`view-${view}`).click();
		await expect(page.getByTestId('folder-browser')).toHaveAttribute('data-view', view);
		await expect(entry(page, 'file-0.txt')).toBeVisible();
		// Virtualized: a few screens' worth of elements, not 20,000.
		expect(await page.getByTestId('folder-entry').count()).toBeLessThan(300);
		await page.screenshot({ path: test.info().outputPath(`explorer-${view}.png`) });
		// Scrolled to the bottom by the wheel, in steps, as a person would fling it.
		for (let i = 0; i < 40; i++) await scroller.evaluate((el) => el.scrollBy(0, el.scrollHeight / 30));
		// Natural order: the last is the highest number.
		await expect(entry(page, 'file-19999.txt')).toBeVisible();
		expect(await scroller.evaluate((el) => Math.abs(el.scrollHeight - el.clientHeight - el.scrollTop) < 2)).toBe(true);
		await scroller.evaluate((el) => el.scrollTo(0, 0));
		await expect(entry(page, 'file-0.txt')).toBeVisible();
	}

	// Sizes are (f % 97) bytes: sorted by size, descending, the 96-byte files come first, in
	// natural name order.
	const largest = 'file-96.txt';
	await page.getByTestId('view-list').click();
	await page.getByTestId('sort-size').click();
	await page.getByTestId('sort-size').click();
	await expect(page.locator('[role=columnheader][aria-sort=descending]')).toContainText('Size');
	const first = page.locator('[data-testid=folder-entry][data-index="0"]');
	await expect(first).toHaveAttribute('data-name', largest);
	// The view and the order are remembered for this folder.
	await page.reload();
	await expect(page.getByTestId('folder-browser')).toHaveAttribute('data-view', 'list');
	await expect(page.locator('[data-testid=folder-entry][data-index="0"]')).toHaveAttribute('data-name', largest);
});

test('the keyboard selects, opens a folder, goes back up, and finds by typing', async ({ page }) => {
	test.setTimeout(180_000);
	await pickerReturns(page, 'keys');
	await openApp(page);
	await createLibraryFromUi(page, 'Keys');
	await makeTree(page, { root: 'keys', dirs: 3, perDir: 12 });
	await addLocation(page, 'keys', 36);
	await page.getByTestId('view-list').click();
	const list = page.getByTestId('explorer-scroller');
	await expect(list).toBeFocused();

	// Down twice: the second folder; Enter opens it.
	await list.press('ArrowDown');
	await expect(entry(page, 'folder 0')).toHaveAttribute('aria-selected', 'true');
	await list.press('ArrowDown');
	await expect(entry(page, 'folder 1')).toHaveAttribute('aria-selected', 'true');
	await list.press('Enter');
	await expect(page).toHaveURL(/path=folder%201$/);
	await expect(page.getByTestId('folder-status')).toContainText('12 items');

	// Shift+Down extends the selection; Ctrl+A selects everything.
	await page.getByTestId('explorer-scroller').press('Home');
	await page.getByTestId('explorer-scroller').press('Shift+ArrowDown');
	await page.getByTestId('explorer-scroller').press('Shift+ArrowDown');
	await expect(page.getByTestId('selection-count')).toHaveText('· 3 selected');
	await page.getByTestId('explorer-scroller').press('Control+a');
	await expect(page.getByTestId('selection-count')).toHaveText('· 12 selected (all)');
	// Ctrl-click then takes one out.
	await entry(page, 'file-3.txt').click({ modifiers: ['Control'] });
	await expect(page.getByTestId('selection-count')).toHaveText('· 11 selected (all but 1)');
	await expect(entry(page, 'file-3.txt')).toHaveAttribute('aria-selected', 'false');
	await expect(entry(page, 'file-4.txt')).toHaveAttribute('aria-selected', 'true');

	// Typing a name's start moves to it.
	await page.getByTestId('explorer-scroller').press('Escape');
	await page.getByTestId('explorer-scroller').pressSequentially('file-7');
	await expect(entry(page, 'file-7.txt')).toHaveAttribute('aria-selected', 'true');
	await expect(page.getByTestId('file-details')).toContainText('file-7.txt');

	// Backspace goes up; the browser's Back returns, Forward goes again.
	await page.getByTestId('explorer-scroller').press('Backspace');
	await expect(page).not.toHaveURL(/path=/);
	await expect(entry(page, 'folder 2')).toBeVisible();
	await page.goBack();
	await expect(page).toHaveURL(/path=folder%201$/);
	await expect(entry(page, 'file-11.txt')).toBeVisible();
	await page.getByTestId('explorer-scroller').press('Alt+ArrowUp');
	await expect(page).not.toHaveURL(/path=/);
});

test('the column view shows the folders above, walks the tree with Left and Right, and opens from any column', async ({
	page
}) => {
	test.setTimeout(120_000);
	const noErrors = watchPageErrors(page);
	await pickerReturns(page, 'cols');
	await openApp(page);
	await createLibraryFromUi(page, 'Columns');
	await page.evaluate(async () => {
		const files = ['Photos/2024/beach.txt', 'Photos/2024/hills.txt', 'Photos/readme.txt', 'Docs/plan.txt', 'top.txt'];
		const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('cols', { create: true });
		for (const path of files) {
			const parts = path.split('/');
			let dir = root;
			for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
			const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
			await writable.write(path);
			await writable.close();
		}
	});
	await addLocation(page, 'cols', 5);
	await page.getByTestId('view-columns').click();
	const column = (path: string) => page.locator(`[data-testid=folder-column][data-path="${path}"]`);
	const list = page.getByTestId('explorer-scroller');
	await expect(list).toBeFocused();
	await expect(entry(page, 'Docs')).toBeVisible();

	// Down to Photos: its contents show in the next column before it is opened.
	await list.press('ArrowDown');
	await list.press('ArrowDown');
	await expect(entry(page, 'Photos')).toHaveAttribute('aria-selected', 'true');
	await expect(column('Photos').locator('[data-testid=column-entry][data-name="2024"]')).toBeVisible();
	// Right opens it; the top folder stays beside it, Photos marked as the way in.
	await list.press('ArrowRight');
	await expect(page).toHaveURL(/path=Photos$/);
	await expect(column('').locator('[data-testid=column-entry][data-name="Photos"]')).toHaveClass(/lead/);
	await expect(entry(page, 'readme.txt')).toBeVisible();
	await list.press('ArrowDown');
	await expect(entry(page, '2024')).toHaveAttribute('aria-selected', 'true');
	await list.press('ArrowRight');
	await expect(page).toHaveURL(/path=Photos%2F2024$/);
	await expect(column('')).toBeVisible();
	await expect(column('Photos').locator('[data-testid=column-entry][data-name="2024"]')).toHaveClass(/lead/);
	await expect(entry(page, 'hills.txt')).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('explorer-columns.png') });

	// Left goes up with the folder just left focused.
	await list.press('ArrowLeft');
	await expect(page).toHaveURL(/path=Photos$/);
	await expect(entry(page, '2024')).toHaveAttribute('aria-selected', 'true');
	// A file in a column above: its folder opens with it selected and in the inspector.
	await column('').locator('[data-testid=column-entry][data-name="top.txt"]').click();
	await expect(page).not.toHaveURL(/path=/);
	await expect(entry(page, 'top.txt')).toHaveAttribute('aria-selected', 'true');
	await expect(page.getByTestId('file-details')).toContainText('top.txt');
	// The view is remembered.
	await page.reload();
	await expect(page.locator('[data-testid=folder-browser]')).toHaveAttribute('data-view', 'columns');
	noErrors();
});

test('a rubber band drawn from empty space selects the tiles it touches; Ctrl adds; a click on empty space clears', async ({
	page
}) => {
	test.setTimeout(120_000);
	const noErrors = watchPageErrors(page);
	await pickerReturns(page, 'band');
	await openApp(page);
	await createLibraryFromUi(page, 'Band');
	await makeTree(page, { root: 'band', dirs: 1, perDir: 10 });
	await addLocation(page, 'band', 10);
	await entry(page, 'folder 0').dblclick();
	await page.getByTestId('view-grid').click();
	const tile = (i: number) => page.locator(`[data-testid=folder-entry][data-index="${i}"]`);
	await expect(tile(9)).toBeVisible();
	const boxes = await Promise.all(Array.from({ length: 10 }, (_, i) => tile(i).boundingBox()));
	const columns = boxes.filter((b) => b!.y === boxes[0]!.y).length;
	expect(columns).toBeGreaterThanOrEqual(4);
	expect(columns).toBeLessThan(10);
	const selected = async () =>
		(
			await page
				.locator('[data-testid=folder-entry][aria-selected=true]')
				.evaluateAll((tiles) => tiles.map((t) => Number(t.getAttribute('data-index'))))
		).sort((a, b) => a - b);

	// From below the last row, up and left to the first tile: columns 0–2 of every row.
	const last = boxes[9]!;
	const second = boxes[2]!;
	await page.mouse.move(second.x + second.width - 5, last.y + last.height + 40);
	await page.mouse.down();
	await page.mouse.move(boxes[0]!.x + 60, boxes[0]!.y + 60, { steps: 5 });
	await expect(page.getByTestId('rubber-band')).toBeVisible();
	await page.mouse.move(boxes[0]!.x + 20, boxes[0]!.y + 20, { steps: 5 });
	await page.mouse.up();
	await expect(page.getByTestId('rubber-band')).toHaveCount(0);
	const expected = Array.from({ length: 10 }, (_, i) => i).filter((i) => i % columns <= 2);
	expect(await selected()).toEqual(expected);
	await expect(page.getByTestId('selection-count')).toHaveText(`· ${expected.length} selected`);

	// With Ctrl, a second band down the fourth column adds it.
	const fourth = boxes[3]!;
	await page.keyboard.down('Control');
	await page.mouse.move(fourth.x + fourth.width / 2, last.y + last.height + 30);
	await page.mouse.down();
	await page.mouse.move(fourth.x + fourth.width / 2 + 10, fourth.y + 20, { steps: 5 });
	await page.mouse.up();
	await page.keyboard.up('Control');
	expect(await selected()).toEqual(Array.from({ length: 10 }, (_, i) => i).filter((i) => i % columns <= 3));

	// A click on empty space clears the selection.
	await page.mouse.click(last.x + last.width / 2, last.y + last.height + 60);
	await expect(page.getByTestId('selection-count')).toHaveCount(0);
	expect(await selected()).toEqual([]);
	noErrors();
});
