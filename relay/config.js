import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { multiaddr } from '@multiformats/multiaddr';
import { RELAY_DEFAULTS } from './defaults.js';

/** A command line or environment value the relay cannot use; main.js exits with code 2. */
export class UsageError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.name = 'UsageError';
		this.code = 'Usage';
	}
}

/**
 * @typedef {'ip' | 'port' | 'count' | 'duration' | 'size' | 'flag' | 'list' | 'path'} Kind
 * @typedef {object} Setting
 * @property {string} flag
 * @property {string} env
 * @property {keyof import('./defaults.js').RelaySettings} key
 * @property {Kind} kind
 * @property {string} arg
 * @property {string} help
 * @property {string} shown the default, as printed by --help
 */

/** @type {Setting[]} */
export const SETTINGS = [
	{
		flag: 'host',
		env: 'ORRERY_RELAY_HOST',
		key: 'host',
		kind: 'ip',
		arg: '<ip>',
		help: 'IP address to listen on (WebSockets and health)',
		shown: RELAY_DEFAULTS.host
	},
	{
		flag: 'port',
		env: 'ORRERY_RELAY_PORT',
		key: 'port',
		kind: 'port',
		arg: '<port>',
		help: 'WebSockets port (0: any free port)',
		shown: String(RELAY_DEFAULTS.port)
	},
	{
		flag: 'health-port',
		env: 'ORRERY_RELAY_HEALTH_PORT',
		key: 'healthPort',
		kind: 'port',
		arg: '<port>',
		help: 'port of the HTTP health endpoint (GET /health)',
		shown: 'port + 1 (0 when port is 0)'
	},
	{
		flag: 'announce',
		env: 'ORRERY_RELAY_ANNOUNCE',
		key: 'announce',
		kind: 'list',
		arg: '<multiaddr>',
		help: 'address browsers dial instead of the listen address, e.g. /dns4/relay.example.com/tcp/443/wss (repeatable; env: comma-separated)',
		shown: 'the listen address'
	},
	{
		flag: 'key-file',
		env: 'ORRERY_RELAY_KEY_FILE',
		key: 'keyFile',
		kind: 'path',
		arg: '<path>',
		help: 'Ed25519 identity, created (mode 0600) if missing',
		shown: 'relay/.relay-key'
	},
	{
		flag: 'max-reservations',
		env: 'ORRERY_RELAY_MAX_RESERVATIONS',
		key: 'maxReservations',
		kind: 'count',
		arg: '<n>',
		help: 'peers that may hold a /p2p-circuit reservation at once',
		shown: String(RELAY_DEFAULTS.maxReservations)
	},
	{
		flag: 'reservation-ttl',
		env: 'ORRERY_RELAY_RESERVATION_TTL',
		key: 'reservationTtlMs',
		kind: 'duration',
		arg: '<time>',
		help: 'lifetime of a reservation; clients refresh it before it ends',
		shown: '2h'
	},
	{
		flag: 'relay-duration-limit',
		env: 'ORRERY_RELAY_DURATION_LIMIT',
		key: 'relayDurationLimitMs',
		kind: 'duration',
		arg: '<time>',
		help: 'longest life of one relayed connection',
		shown: '2m'
	},
	{
		flag: 'relay-data-limit',
		env: 'ORRERY_RELAY_DATA_LIMIT',
		key: 'relayDataLimitBytes',
		kind: 'size',
		arg: '<size>',
		help: 'most bytes one relayed connection may carry, both directions together',
		shown: '128KiB'
	},
	{
		flag: 'unlimited-relay',
		env: 'ORRERY_RELAY_UNLIMITED',
		key: 'unlimitedRelay',
		kind: 'flag',
		arg: '',
		help: 'relayed connections get no duration or data limit (the relay then carries whole transfers)',
		shown: 'off'
	},
	{
		flag: 'max-connections',
		env: 'ORRERY_RELAY_MAX_CONNECTIONS',
		key: 'maxConnections',
		kind: 'count',
		arg: '<n>',
		help: 'open libp2p connections; further inbound connections are refused',
		shown: String(RELAY_DEFAULTS.maxConnections)
	},
	{
		flag: 'max-connections-per-ip',
		env: 'ORRERY_RELAY_MAX_CONNECTIONS_PER_IP',
		key: 'maxConnectionsPerIp',
		kind: 'count',
		arg: '<n>',
		help: 'open connections from one IP address (0: no limit; behind a proxy every client has the proxy IP)',
		shown: String(RELAY_DEFAULTS.maxConnectionsPerIp)
	},
	{
		flag: 'connection-rate',
		env: 'ORRERY_RELAY_CONNECTION_RATE',
		key: 'connectionRate',
		kind: 'count',
		arg: '<n>',
		help: 'new inbound connections per second from one IP address',
		shown: String(RELAY_DEFAULTS.connectionRate)
	},
	{
		flag: 'handshake-timeout',
		env: 'ORRERY_RELAY_HANDSHAKE_TIMEOUT',
		key: 'handshakeTimeoutMs',
		kind: 'duration',
		arg: '<time>',
		help: 'time a new connection has to finish its libp2p handshake before it is dropped',
		shown: '10s'
	}
];

/**
 * @typedef {object} Command
 * @property {'run' | 'check' | 'help'} action
 * @property {Partial<import('./defaults.js').RelaySettings>} settings
 * @property {string} checkUrl for `check`: the health URL to query
 */

/**
 * Flags win over environment variables, which win over the defaults.
 *
 * @param {string[]} argv arguments after the script name
 * @param {Record<string, string | undefined>} env
 * @returns {Command}
 */
export function parseCommand(argv, env) {
	/** @type {import('node:util').ParseArgsConfig['options']} */
	const options = {
		help: { type: 'boolean', short: 'h' },
		check: { type: 'boolean' }
	};
	for (const s of SETTINGS) {
		options[s.flag] = s.kind === 'flag' ? { type: 'boolean' } : { type: 'string', multiple: s.kind === 'list' };
	}
	/** @type {ReturnType<typeof parseArgs>} */
	let parsed;
	try {
		parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
	} catch (err) {
		throw new UsageError(err instanceof Error ? err.message : String(err));
	}
	const { values, positionals } = parsed;
	if (values.help === true) return { action: 'help', settings: {}, checkUrl: '' };
	if (positionals.length > (values.check === true ? 1 : 0)) {
		throw new UsageError(`unexpected argument ${JSON.stringify(positionals.at(-1))}`);
	}

	/** @type {Record<string, unknown>} */
	const settings = {};
	for (const s of SETTINGS) {
		const flagValue = values[s.flag];
		const envValue = env[s.env];
		if (flagValue !== undefined) {
			settings[s.key] = convert(s, flagValue, `--${s.flag}`);
		} else if (envValue !== undefined && envValue !== '') {
			settings[s.key] = convert(s, s.kind === 'list' ? envValue.split(',') : envValue, s.env);
		}
	}
	const typed = /** @type {Partial<import('./defaults.js').RelaySettings>} */ (settings);
	if (typed.port === 0 && (typed.announce?.length ?? 0) > 0) {
		throw new UsageError('--announce needs a fixed --port: the proxy in front of the relay forwards to it');
	}

	if (values.check === true) {
		return { action: 'check', settings: typed, checkUrl: positionals[0] ?? defaultHealthUrl(typed) };
	}
	return { action: 'run', settings: typed, checkUrl: '' };
}

/**
 * @param {Partial<import('./defaults.js').RelaySettings>} settings
 * @returns {string}
 */
export function defaultHealthUrl(settings) {
	const host = settings.host ?? RELAY_DEFAULTS.host;
	const port = settings.port ?? RELAY_DEFAULTS.port;
	const healthPort = settings.healthPort ?? (port === 0 ? 0 : port + 1);
	// A wildcard listen address is not something to connect to; loopback reaches it.
	const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
	return `http://${isIP(target) === 6 ? `[${target}]` : target}:${healthPort}/health`;
}

/**
 * @param {Setting} s
 * @param {string | boolean | (string | boolean)[]} raw
 * @param {string} source the flag or variable, for the error message
 * @returns {unknown}
 */
function convert(s, raw, source) {
	if (s.kind === 'flag') {
		if (typeof raw === 'boolean') return raw;
		const text = String(raw).toLowerCase();
		if (['1', 'true', 'yes', 'on'].includes(text)) return true;
		if (['0', 'false', 'no', 'off'].includes(text)) return false;
		throw new UsageError(`${source} must be 1 or 0, not ${JSON.stringify(raw)}`);
	}
	if (s.kind === 'list') {
		const items = (Array.isArray(raw) ? raw : [raw])
			.flatMap((item) => String(item).split(','))
			.map((item) => item.trim())
			.filter((item) => item !== '');
		for (const item of items) {
			try {
				multiaddr(item);
			} catch (err) {
				throw new UsageError(`${source}: ${JSON.stringify(item)} is not a multiaddr (${errorText(err)})`);
			}
		}
		return items;
	}
	const text = String(raw).trim();
	switch (s.kind) {
		case 'ip':
			if (isIP(text) === 0)
				throw new UsageError(`${source} must be an IP address such as 127.0.0.1, not ${JSON.stringify(text)}`);
			return text;
		case 'path':
			return resolve(text);
		case 'port': {
			const port = integer(text, source);
			if (port > 65535) throw new UsageError(`${source} must be a port number (0-65535), not ${text}`);
			return port;
		}
		case 'count':
			return integer(text, source);
		case 'duration':
			return duration(text, source);
		case 'size':
			return size(text, source);
	}
	throw new UsageError(`${source}: unsupported setting`);
}

/**
 * @param {string} text
 * @param {string} source
 */
function integer(text, source) {
	if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
		throw new UsageError(`${source} must be a whole number, not ${JSON.stringify(text)}`);
	}
	return Number(text);
}

/** @type {Record<string, number>} */
const TIME_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `90` (seconds), `500ms`, `30s`, `2m`, `2h`, `1d`: milliseconds.
 *
 * @param {string} text
 * @param {string} source
 */
export function duration(text, source = 'duration') {
	const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(text.trim());
	const ms = match ? Math.round(Number(match[1]) * TIME_UNITS[(match[2] ?? 's').toLowerCase()]) : NaN;
	if (!(ms > 0)) throw new UsageError(`${source} must be a time such as 30s, 2m or 2h, not ${JSON.stringify(text)}`);
	return ms;
}

/** @type {Record<string, number>} */
const SIZE_UNITS = { b: 1, kb: 1000, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/**
 * `131072` (bytes), `128KiB`, `1MB`, `4GiB`: bytes.
 *
 * @param {string} text
 * @param {string} source
 */
export function size(text, source = 'size') {
	const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(text.trim());
	const bytes = match ? Math.round(Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]) : NaN;
	if (!(bytes > 0) || !Number.isSafeInteger(bytes)) {
		throw new UsageError(`${source} must be a size such as 131072, 128KiB or 1MiB, not ${JSON.stringify(text)}`);
	}
	return bytes;
}

/** @returns {string} */
export function usage() {
	const rows = SETTINGS.map((s) => [`--${s.flag}${s.arg ? ` ${s.arg}` : ''}`, s.env, s.help, s.shown]);
	const width = Math.max(...rows.map((r) => r[0].length));
	const lines = rows.map(
		([flag, env, help, shown]) =>
			`  ${flag.padEnd(width)}  ${help}\n  ${' '.repeat(width)}  env ${env}, default ${shown}`
	);
	return [
		'Orrery relay: libp2p WebSockets listener with circuit relay v2, identify and ping.',
		'',
		'Usage:',
		'  node relay/main.js [options]        run the relay (npm run relay -- [options])',
		'  node relay/main.js --check [url]    query the health endpoint; exit 0 if healthy, 1 if not',
		'  node relay/main.js --help           print this text',
		'',
		'Options (a flag wins over its environment variable):',
		...lines,
		'',
		'Times: 90 (seconds), 500ms, 30s, 2m, 2h. Sizes: 131072 (bytes), 128KiB, 1MiB.',
		'On start it prints each multiaddr on its own line, then one line',
		'  ORRERY_RELAY {"peerId":…,"multiaddrs":[…],"listen":[…],"health":"http://…/health"}',
		'Exit codes: 0 stopped by SIGINT/SIGTERM, 1 failed, 2 bad usage, 3 unusable key file.'
	].join('\n');
}

/** @param {unknown} err */
function errorText(err) {
	return err instanceof Error ? err.message : String(err);
}
