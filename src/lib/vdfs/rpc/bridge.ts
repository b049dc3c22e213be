import { CORE_METHODS, type CoreApi } from '../api';
import { deserializeError, serializeError, VdfsError, type SerializedError } from '../errors';

/**
 * Other tabs reach the leader's core over a BroadcastChannel: the core worker serves requests,
 * every tab's client sends them. When the leader changes, the new core announces itself and
 * clients resend what was not answered. A core answers a repeated request id from memory, so
 * a resend to the same core runs once. A request that the old leader ran just before it closed
 * runs again on the new one: calls that create something take a caller-made id (the UI always
 * gives one) and are then idempotent; the rest are reads or set a value.
 *
 * Every tab sees every message on the channel, large answers included; a MessagePort per client
 * would avoid that and is the next step if big payloads (backups) start to matter.
 */
export const RPC_CHANNEL = 'orrery-rpc';
export const EVENTS_CHANNEL = 'orrery-events';

type Request = { t: 'req'; id: string; from: string; method: string; args: unknown[] };
type Response = { t: 'res'; id: string; to: string } & (
	{ ok: true; value: unknown } | { ok: false; error: SerializedError }
);
type Ready = { t: 'ready'; core: string };
type Hello = { t: 'hello'; from: string };
type Message = Request | Response | Ready | Hello;

/**
 * How long an answer is remembered after it was sent. A client resends only calls still pending
 * when a core announces itself, so a resend can only race an answer already on its way, which
 * takes milliseconds. Forgetting soon matters: answers can be large (a library backup).
 */
const REMEMBER_MS = 10_000;

/** Serves `core` to every tab. Returns a function that stops serving. */
export function serveCore(core: CoreApi, channelName = RPC_CHANNEL): () => void {
	const channel = new BroadcastChannel(channelName);
	const coreId = crypto.randomUUID();
	const answered = new Map<string, Promise<Response>>();
	const allowed = new Set<string>(CORE_METHODS);

	const handle = (req: Request): Promise<Response> => {
		const base = { t: 'res' as const, id: req.id, to: req.from };
		if (!allowed.has(req.method) || !Array.isArray(req.args)) {
			return Promise.resolve({
				...base,
				ok: false,
				error: { code: 'InvalidInput', message: `Unknown core call “${String(req.method)}”.` }
			});
		}
		const method = core[req.method as keyof CoreApi] as (...args: unknown[]) => Promise<unknown>;
		return method.apply(core, req.args).then(
			(value): Response => ({ ...base, ok: true, value }),
			(e: unknown): Response => ({ ...base, ok: false, error: serializeError(e) })
		);
	};

	channel.onmessage = (event: MessageEvent<Message>) => {
		const msg = event.data;
		if (msg?.t === 'hello') channel.postMessage({ t: 'ready', core: coreId } satisfies Ready);
		if (msg?.t !== 'req' || typeof msg.id !== 'string') return;
		let answer = answered.get(msg.id);
		if (!answer) {
			answer = handle(msg);
			answered.set(msg.id, answer);
			const id = msg.id;
			void answer.then(() => setTimeout(() => answered.delete(id), REMEMBER_MS));
		}
		void answer.then((res) => channel.postMessage(res));
	};
	channel.postMessage({ t: 'ready', core: coreId } satisfies Ready);
	return () => channel.close();
}

export interface CoreClient {
	api: CoreApi;
	/** Calls not answered yet (waiting for a leader). */
	pending(): number;
	close(): void;
}

/** A CoreApi that forwards every call to whichever tab runs the core. */
export function connectCore(channelName = RPC_CHANNEL): CoreClient {
	const channel = new BroadcastChannel(channelName);
	const me = crypto.randomUUID();
	const pending = new Map<string, { req: Request; resolve: (v: unknown) => void; reject: (e: VdfsError) => void }>();

	channel.onmessage = (event: MessageEvent<Message>) => {
		const msg = event.data;
		if (msg?.t === 'ready') {
			for (const req of [...pending.values()].map((p) => p.req)) send(req);
		} else if (msg?.t === 'res' && msg.to === me) {
			const call = pending.get(msg.id);
			if (!call) return;
			pending.delete(msg.id);
			if (msg.ok) call.resolve(msg.value);
			else call.reject(deserializeError(msg.error));
		}
	};
	channel.postMessage({ t: 'hello', from: me } satisfies Hello);

	/** Posts a request; one that cannot be sent (not cloneable) fails alone, at once. */
	const send = (req: Request): void => {
		try {
			channel.postMessage(req);
		} catch (e) {
			const call = pending.get(req.id);
			pending.delete(req.id);
			call?.reject(
				new VdfsError(
					'InvalidInput',
					`This call cannot be sent to the library: ${e instanceof Error ? e.message : String(e)}`
				)
			);
		}
	};

	const call = (method: string, args: unknown[]): Promise<unknown> =>
		new Promise((resolve, reject) => {
			const req: Request = { t: 'req', id: crypto.randomUUID(), from: me, method, args };
			pending.set(req.id, { req, resolve, reject });
			send(req);
		});

	const api = Object.fromEntries(
		CORE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])
	) as unknown as CoreApi;
	return {
		api,
		pending: () => pending.size,
		close: () => {
			channel.close();
			for (const p of pending.values())
				p.reject(new VdfsError('CoreUnavailable', 'This tab closed its connection to the library.'));
			pending.clear();
		}
	};
}
