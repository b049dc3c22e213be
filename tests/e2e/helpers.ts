import { expect, type Page } from '@playwright/test';

/** Opens the app and waits until this tab is connected to a core (leader or follower). */
export async function openApp(page: Page, path = '/'): Promise<void> {
	await page.goto(path);
	await expect(page.getByTestId('core-role')).not.toHaveAttribute('data-role', 'connecting');
	await expect(page.getByTestId('loading')).toHaveCount(0);
}

export async function createLibraryFromUi(page: Page, name: string): Promise<void> {
	const before = (await libraryNames(page)).filter((n) => n === name).length;
	await page.getByTestId('new-library-name').fill(name);
	await page.getByTestId('create-library').click();
	await expect.poll(async () => (await libraryNames(page)).filter((n) => n === name).length).toBe(before + 1);
}

export async function libraryNames(page: Page): Promise<string[]> {
	return page.evaluate(async () => (await window.orrery!.listLibraries()).map((l) => l.name).sort());
}

export function role(page: Page): Promise<string | null> {
	return page.getByTestId('core-role').getAttribute('data-role');
}

/**
 * Collects the page's uncaught errors (an effect that loops, a rejected promise nobody
 * handles); the returned check fails the test if there were any.
 */
export function watchPageErrors(page: Page): () => void {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	return () => expect(errors, 'uncaught errors in the page').toEqual([]);
}
