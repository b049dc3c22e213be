import { expect, test } from '@playwright/test';
import { serveBuild } from '../../scripts/serve.js';
import { fileSourceChecks } from '../shared/file-source-suite';

let server: { url: string; close: () => Promise<void> };
test.beforeAll(async () => {
	server = await serveBuild({ root: 'tests/browser/.dist', port: 0 });
});
test.afterAll(async () => {
	await server.close();
});

for (const adapter of ['fsa', 'snapshot']) {
	test(`FileSource acceptance in Chromium, ${adapter}: every check passes`, async ({ page }) => {
		await page.goto(server.url);
		await page.waitForFunction(() => typeof window.runCheck === 'function');
		const failures: string[] = [];
		for (const check of fileSourceChecks) {
			const why = await page.evaluate(([a, n]) => window.runCheck(a, n), [adapter, check.name] as const);
			if (why) failures.push(`${check.name}: ${why}`);
		}
		expect(failures).toEqual([]);
	});
}
