#!/usr/bin/env node
// The relay's command line: `npm run relay -- --help`.
import './node20.js';
import { parseCommand, usage, UsageError } from './config.js';
import { checkHealth } from './health.js';
import { logToStdout } from './log.js';

const EXIT = { ok: 0, failed: 1, usage: 2, keyFile: 3 };
/** A stop that hangs (a peer that never closes) must not keep the process alive. */
const STOP_TIMEOUT_MS = 5_000;

async function main() {
	const command = parseCommand(process.argv.slice(2), process.env);
	if (command.action === 'help') {
		process.stdout.write(usage() + '\n');
		return EXIT.ok;
	}
	if (command.action === 'check') {
		const result = await checkHealth(command.checkUrl);
		if (!result.healthy) {
			process.stderr.write(`relay unhealthy: ${result.reason}\n`);
			return EXIT.failed;
		}
		process.stdout.write(JSON.stringify(result.body) + '\n');
		return EXIT.ok;
	}

	// Listen for signals before printing the addresses: a script that stops the relay as soon as
	// it reads them must not hit Node's default action (exit without stopping).
	/** @type {Promise<string>} */
	const stopSignal = new Promise((resolve) => {
		process.once('SIGINT', () => resolve('SIGINT'));
		process.once('SIGTERM', () => resolve('SIGTERM'));
	});
	// Loaded only to run: --check, a container health probe, stays light without libp2p.
	const { startRelay } = await import('./relay.js');
	const relay = await startRelay({ ...command.settings, log: logToStdout });
	for (const addr of relay.multiaddrs) process.stdout.write(addr + '\n');
	const summary = {
		peerId: relay.peerId,
		multiaddrs: relay.multiaddrs,
		listen: relay.listen,
		health: relay.healthUrl
	};
	process.stdout.write(`ORRERY_RELAY ${JSON.stringify(summary)}\n`);
	logToStdout('relay:started', {
		peer: relay.peerId,
		listen: relay.listen.join(','),
		health: relay.healthUrl,
		maxReservations: relay.settings.maxReservations,
		maxConnections: relay.settings.maxConnections,
		relayLimit: relay.settings.unlimitedRelay
			? 'none'
			: `${relay.settings.relayDurationLimitMs}ms/${relay.settings.relayDataLimitBytes}B`
	});

	const signal = await stopSignal;
	logToStdout('relay:stopping', { signal });
	// A second signal while stopping means "now".
	const force = () => process.exit(EXIT.failed);
	process.once('SIGINT', force);
	process.once('SIGTERM', force);
	const timer = setTimeout(() => {
		logToStdout('relay:stop-timeout', { afterMs: STOP_TIMEOUT_MS });
		process.exit(EXIT.failed);
	}, STOP_TIMEOUT_MS);
	timer.unref();
	await relay.stop();
	logToStdout('relay:stopped');
	return EXIT.ok;
}

main().then(
	(code) => {
		// libp2p may leave timers behind after stop(); the relay is done either way.
		process.exit(code);
	},
	(err) => {
		if (err instanceof UsageError) {
			process.stderr.write(`orrery relay: ${err.message}\nRun with --help for the options.\n`);
			process.exit(EXIT.usage);
		}
		// By name: key-file.js and relay.js are loaded lazily.
		if (err instanceof Error && err.name === 'KeyFileError') {
			process.stderr.write(`orrery relay: ${err.message}\n`);
			process.exit(EXIT.keyFile);
		}
		if (err instanceof Error && err.name === 'RelayStartError') {
			process.stderr.write(`orrery relay: ${err.message}\n`);
			process.exit(EXIT.failed);
		}
		process.stderr.write(
			`orrery relay: unexpected failure\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`
		);
		process.exit(EXIT.failed);
	}
);
