import { expect, type Page } from '@playwright/test';

/** Opens the app and waits until this tab is connected to a core (leader or follower). */
export async function openApp(page: Page, path = '/'): Promise<void> {
	await page.goto(path);
	await expect(page.getByTestId('core-role')).not.toHaveAttribute('data-role', 'connecting');
	await expect(page.getByTestId('loading')).toHaveCount(0);
}

export async function createLibraryFromUi(page: Page, name: string): Promise<void> {
	const input = page.getByTestId('new-library-name');
	await input.fill(name);
	await page.getByTestId('create-library').click();
	// The form empties once the core has created it.
	await expect(input).toHaveValue('');
}

export async function libraryNames(page: Page): Promise<string[]> {
	return page.evaluate(async () => (await window.orrery!.listLibraries()).map((l) => l.name).sort());
}

export function role(page: Page): Promise<string | null> {
	return page.getByTestId('core-role').getAttribute('data-role');
}
