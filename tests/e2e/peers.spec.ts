import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createLibraryFromUi, openApp, watchPageErrors } from './helpers';
import { RelayProcess } from './relay-process';
import { decodeInviteLink, encodeInviteLink, newInviteSecret } from '../../src/lib/vdfs/p2p/pair';

/**
 * Two devices (two browser contexts: separate OPFS, IndexedDB and keys) and a real relay
 * process, all on loopback inside the test command's network namespace, with no STUN servers
 * (the build's default ICE servers are none). Serial: one relay, one pair, in order.
 */
test.describe.configure({ mode: 'serial' });

const relay = new RelayProcess(4401);
let a: { context: BrowserContext; page: Page };
let b: { context: BrowserContext; page: Page };

async function device(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
	// In a loopback-only namespace headless Chromium gathers ICE candidates only for pages
	// granted camera/microphone (DESIGN.md §6); nothing is captured.
	const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
	const page = await context.newPage();
	if (process.env.ORRERY_E2E_CONSOLE) {
		page.on('console', (m) => console.log(`[${m.type()}] ${m.text()}`));
		await context.addInitScript((d) => localStorage.setItem('debug', d), process.env.ORRERY_E2E_CONSOLE);
	}
	return { context, page };
}

const peerState = (page: Page) => page.evaluate(() => window.orreryPeers!.state());

/** The kind of link a page has to a peer; null while its node is not up yet (just reloaded). */
async function linkTo(page: Page, peerId: string): Promise<string | null> {
	return page.evaluate((p) => window.orreryPeers?.state().links[p]?.kind ?? null, peerId);
}

test.beforeAll(async () => {
	await relay.start();
});

test.afterAll(async () => {
	await relay.stop();
	await a?.context.close();
	await b?.context.close();
});

test('two devices pair through a link and see each other online over a direct link', async ({ browser }) => {
	a = await device(browser);
	b = await device(browser);
	const errorsA = watchPageErrors(a.page);
	await openApp(a.page);
	await createLibraryFromUi(a.page, 'Home');
	await a.page.evaluate(() => window.orrery!.setDeviceName('Laptop'));
	await openApp(b.page);
	await createLibraryFromUi(b.page, 'Phone stuff');
	await b.page.evaluate(() => window.orrery!.setDeviceName('Phone'));

	await a.page.getByRole('link', { name: 'Devices', exact: true }).click();
	await expect(a.page.getByTestId('connection-state').first()).toHaveAttribute('data-state', 'relay');
	await a.page.getByTestId('add-device-button').click();
	const link = await a.page.getByTestId('invite-link').inputValue();
	expect(link).toMatch(/\/pair#/);
	// The secret rides in the fragment: never sent to a server.
	expect(new URL(link).search).toBe('');
	await expect(a.page.getByTestId('add-device').locator('svg')).toBeVisible();

	await b.page.goto(link);
	await expect(b.page.getByTestId('pair-page')).toContainText('Laptop');
	// Read once, the secret leaves the address bar and the history.
	expect(b.page.url()).not.toContain('#');
	await b.page.getByTestId('pair-button').click();
	await expect(b.page.getByTestId('pair-result')).toContainText('Paired with Laptop');

	const peerA = (await peerState(a.page)).peerId!;
	const peerB = (await peerState(b.page)).peerId!;
	// B joined A's library: same id, both devices in it.
	const libA = await a.page.evaluate(() => window.orrery!.settings());
	const libB = await b.page.evaluate(() => window.orrery!.settings());
	expect(libB.currentLibrary).toBe(libA.currentLibrary);

	await b.page.getByRole('link', { name: 'Devices', exact: true }).click();
	for (const [page, other] of [
		[a.page, 'Phone'],
		[b.page, 'Laptop']
	] as const) {
		const row = page.getByTestId('device-row').filter({ hasText: other });
		await expect(row.getByTestId('device-state')).toContainText('online · direct', { timeout: 15_000 });
	}
	expect(await linkTo(a.page, peerB)).toBe('direct');
	expect(await linkTo(b.page, peerA)).toBe('direct');
	await a.page.screenshot({ path: 'test-results/devices.png' });

	// Renaming this device on B reaches A (a hello on the open link), and back.
	for (const name of ['Pixel', 'Phone']) {
		await b.page.getByTestId('rename-device').click();
		await b.page.getByTestId('rename-input').fill(name);
		await b.page.getByTestId('rename-input').press('Enter');
		await expect(a.page.getByTestId('device-row').filter({ hasText: name })).toHaveCount(1, { timeout: 10_000 });
	}
	errorsA();
});

test('with the relay stopped the pair stays connected and a ping still goes through (the link is direct)', async () => {
	const peerA = (await peerState(a.page)).peerId!;
	const peerB = (await peerState(b.page)).peerId!;
	await relay.stop();
	await expect.poll(async () => (await peerState(a.page)).relay, { timeout: 10_000 }).toBe('offline');
	const rtt = await a.page.evaluate((peer) => window.orreryPeers!.ping(peer), peerB);
	expect(rtt).toBeGreaterThan(0);
	expect(await b.page.evaluate((peer) => window.orreryPeers!.ping(peer), peerA)).toBeGreaterThan(0);
	expect(await linkTo(a.page, peerB)).toBe('direct');
	await expect(a.page.getByTestId('device-row').filter({ hasText: 'Phone' }).getByTestId('device-state')).toContainText(
		'online · direct'
	);
});

test('after the relay restarts, a reloaded device reconnects within 3 s without user action', async () => {
	const peerA = (await peerState(a.page)).peerId!;
	await relay.start();
	// A finds the relay again by itself (its redials back off to at most 2 s).
	await expect.poll(async () => (await peerState(a.page)).relay, { timeout: 10_000 }).toBe('online');
	const started = Date.now();
	await b.page.reload();
	// Within 3 s of the reload itself, page load and the core's start included.
	await expect
		.poll(() => linkTo(b.page, peerA), { timeout: Math.max(0, 3000 - (Date.now() - started)), intervals: [50] })
		.toBe('direct');
	console.log(`direct again ${Date.now() - started} ms after the reload began`);
	expect(await b.page.evaluate((peer) => window.orreryPeers!.ping(peer), peerA)).toBeGreaterThan(0);
});

test('a third device with a wrong secret, or a used link, is refused with a clear message', async ({ browser }) => {
	const c = await device(browser);
	try {
		await openApp(c.page);
		await createLibraryFromUi(c.page, 'Stranger');
		// Closing "Add device" takes back the used invite's panel; a fresh one makes a new link.
		await a.page.getByTestId('add-device').getByRole('button', { name: 'Close' }).click();
		await a.page.getByTestId('add-device-button').click();
		const link = await a.page.getByTestId('invite-link').inputValue();
		// Same invite, a well-formed link, another secret.
		const decoded = decodeInviteLink(link);
		const wrong = encodeInviteLink(new URL(link).origin, { ...decoded, secret: newInviteSecret() });
		await c.page.goto(wrong);
		await c.page.getByTestId('pair-button').click();
		await expect(c.page.getByTestId('pair-result')).toContainText(/did not accept this link/i);

		// A's panel says what happened.
		await expect(a.page.getByTestId('pairing-outcome')).toContainText(/wrong secret/i);

		// B's link was used already.
		const used = await a.page.evaluate(() => window.orrery!.listDevices());
		expect(used.map((d) => d.name).sort()).toEqual(['Laptop', 'Phone']);
		expect((await c.page.evaluate(() => window.orrery!.listDevices())).length).toBe(1);
	} finally {
		await c.context.close();
	}
});

test('removing a device revokes it on both sides', async () => {
	const peerA = (await peerState(a.page)).peerId!;
	a.page.once('dialog', (d) => void d.accept());
	await a.page.getByTestId('device-row').filter({ hasText: 'Phone' }).getByTestId('remove-device').click();
	await expect(a.page.getByTestId('device-row')).toHaveCount(1);
	await expect(b.page.getByTestId('device-row')).toHaveCount(1, { timeout: 10_000 });
	expect(await b.page.evaluate((p) => window.orrery!.trustedDevice(p), peerA)).toBeNull();
});

test('a device removed while offline is refused when it comes back, learns it, and A logs the refusal', async () => {
	// Pair again (the API the panel and the pairing page use), then take B offline.
	const { link } = await a.page.evaluate(() => window.orreryPeers!.createInvite());
	await b.page.evaluate((link) => window.orreryPeers!.pair(link), link);
	const peerA = (await peerState(a.page)).peerId!;
	const peerB = (await peerState(b.page)).peerId!;
	await expect.poll(() => linkTo(a.page, peerB), { timeout: 10_000 }).toBe('direct');
	const bId = (await b.page.evaluate(() => window.orrery!.settings())).deviceId;
	await b.page.close();
	await expect.poll(() => linkTo(a.page, peerB), { timeout: 15_000 }).toBeNull();

	await a.page.evaluate((id) => window.orreryPeers!.removeDevice(id), bId);
	expect(await a.page.evaluate((p) => window.orrery!.trustedDevice(p), peerB)).toBeNull();

	b.page = await b.context.newPage();
	await openApp(b.page, '/devices');
	// B dials A as a paired device; A refuses it as removed; B removes A in turn.
	await expect
		.poll(() => b.page.evaluate((p) => window.orrery!.trustedDevice(p), peerA), { timeout: 15_000 })
		.toBeNull();
	await expect(b.page.getByTestId('device-row')).toHaveCount(1);
	expect((await peerState(a.page)).refused.map((r) => r.peerId)).toContain(peerB);
	await expect(a.page.getByTestId('device-row')).toHaveCount(1);
});
