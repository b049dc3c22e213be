import { afterEach, describe, expect, it } from 'vitest';
import { connectCore, serveCore } from '../../src/lib/vdfs/rpc/bridge';
import { VdfsError } from '../../src/lib/vdfs/errors';
import type { CoreApi, LibraryId } from '../../src/lib/vdfs/api';
import { startCore } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
	while (cleanups.length) cleanups.pop()!();
});

function channelName(): string {
	return `test-${crypto.randomUUID()}`;
}

describe('RPC bridge between tabs', () => {
	it('forwards calls to the serving core and returns results', async () => {
		const name = channelName();
		const { core } = await startCore();
		cleanups.push(serveCore(core, name));
		const client = connectCore(name);
		cleanups.push(client.close);
		const lib = await client.api.createLibrary({ name: 'Over the bridge' });
		expect(lib.name).toBe('Over the bridge');
		expect((await client.api.listLibraries()).map((l) => l.id)).toEqual([lib.id]);
	});

	it('rebuilds errors with their code and message', async () => {
		const name = channelName();
		const { core } = await startCore();
		cleanups.push(serveCore(core, name));
		const client = connectCore(name);
		cleanups.push(client.close);
		const err = await client.api.createLibrary({ name: ' ' }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(VdfsError);
		expect((err as VdfsError).code).toBe('InvalidInput');
		expect((err as VdfsError).message).toMatch(/needs a name/);
	});

	it('queues calls made while no tab leads and sends them when a core announces itself', async () => {
		const name = channelName();
		const client = connectCore(name);
		cleanups.push(client.close);
		const early = client.api.createLibrary({ name: 'Early' });
		await new Promise((r) => setTimeout(r, 50));
		expect(client.pending()).toBe(1);
		const { core } = await startCore();
		cleanups.push(serveCore(core, name));
		expect((await early).name).toBe('Early');
		expect(client.pending()).toBe(0);
	});

	it('runs a resent request once: the server answers repeats from memory', async () => {
		const name = channelName();
		const { core } = await startCore();
		let calls = 0;
		const counting = new Proxy(core, {
			get(target, prop, receiver) {
				const value = Reflect.get(target, prop, receiver) as unknown;
				if (prop !== 'createLibrary' || typeof value !== 'function')
					return typeof value === 'function' ? value.bind(target) : value;
				return (...args: Parameters<CoreApi['createLibrary']>) => {
					calls++;
					return core.createLibrary(...args);
				};
			}
		});
		cleanups.push(serveCore(counting, name));
		// A raw client that sends the same request twice, as a client does after a leader change.
		const channel = new BroadcastChannel(name);
		cleanups.push(() => channel.close());
		const answers: unknown[] = [];
		channel.onmessage = (e: MessageEvent<{ t: string; to?: string }>) => {
			if (e.data.t === 'res' && e.data.to === 'me') answers.push(e.data);
		};
		const req = {
			t: 'req',
			id: 'r1',
			from: 'me',
			method: 'createLibrary',
			args: [{ name: 'Once', id: crypto.randomUUID() as LibraryId }]
		};
		channel.postMessage(req);
		channel.postMessage(req);
		await expect.poll(() => answers.length).toBe(2);
		expect(calls).toBe(1);
		expect(await core.listLibraries()).toHaveLength(1);
	});

	it('refuses methods that are not part of the core API', async () => {
		const name = channelName();
		const { core } = await startCore();
		cleanups.push(serveCore(core, name));
		const channel = new BroadcastChannel(name);
		cleanups.push(() => channel.close());
		const answer = new Promise<{ ok: boolean; error?: { code: string } }>((resolve) => {
			channel.onmessage = (e: MessageEvent<{ t: string; ok: boolean; error?: { code: string } }>) => {
				if (e.data.t === 'res') resolve(e.data);
			};
		});
		channel.postMessage({ t: 'req', id: 'x', from: 'me', method: 'close', args: [] });
		expect(await answer).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
		expect(await core.listLibraries()).toEqual([]);
	});
});

describe('RPC bridge across a change of leader', () => {
	it('resends a call the old leader never answered to the new leader', async () => {
		const name = channelName();
		const { core: stuck } = await startCore();
		// The old leader receives the call but dies before answering it.
		const dying = new Proxy(stuck, {
			get(target, prop) {
				return prop === 'createLibrary' ? () => new Promise(() => {}) : (Reflect.get(target, prop) as unknown);
			}
		});
		const stopOld = serveCore(dying, name);
		const client = connectCore(name);
		cleanups.push(client.close);
		const answer = client.api.createLibrary({ name: 'Survivor', id: crypto.randomUUID() as LibraryId });
		await new Promise((r) => setTimeout(r, 50));
		expect(client.pending()).toBe(1);
		stopOld();
		const { core: fresh } = await startCore();
		cleanups.push(serveCore(fresh, name));
		expect((await answer).name).toBe('Survivor');
		expect((await fresh.listLibraries()).map((l) => l.name)).toEqual(['Survivor']);
	});

	it('a call that cannot be sent fails alone and does not block later resends', async () => {
		const name = channelName();
		const client = connectCore(name);
		cleanups.push(client.close);
		const unsendable = client.api.setDeviceName((() => 'x') as unknown as string);
		await expect(unsendable).rejects.toMatchObject({ code: 'InvalidInput' });
		const later = client.api.createLibrary({ name: 'Later' });
		const { core } = await startCore();
		cleanups.push(serveCore(core, name));
		expect((await later).name).toBe('Later');
	});
});
