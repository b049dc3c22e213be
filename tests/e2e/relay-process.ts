import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The real relay (relay/main.js) as a child process on loopback, for the peers e2e: started,
 * stopped and started again with the same key file (so the same peer id and address).
 * The test command runs inside a loopback-only network namespace (scripts/netns.sh).
 */
export class RelayProcess {
	readonly keyFile = join(mkdtempSync(join(tmpdir(), 'orrery-relay-')), 'relay.key');
	#child: ChildProcess | null = null;
	log = '';

	constructor(readonly port: number) {}

	get addr(): string {
		return `/ip4/127.0.0.1/tcp/${this.port}/ws`;
	}

	async start(): Promise<{ peerId: string }> {
		const child = spawn(
			process.execPath,
			[
				'relay/main.js',
				'--port',
				String(this.port),
				'--key-file',
				this.keyFile,
				// Every test browser comes from 127.0.0.1 and reloads on purpose.
				'--connection-rate',
				'100',
				'--max-connections-per-ip',
				'0'
			],
			{ stdio: ['ignore', 'pipe', 'pipe'] }
		);
		this.#child = child;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the relay did not start:\n${this.log}`)), 15_000);
			const onData = (chunk: Buffer) => {
				this.log += chunk.toString();
				const line = /^ORRERY_RELAY (.*)$/m.exec(this.log);
				if (line) {
					clearTimeout(timer);
					resolve(JSON.parse(line[1]) as { peerId: string });
				}
			};
			child.stdout!.on('data', onData);
			child.stderr!.on('data', (c: Buffer) => (this.log += c.toString()));
			child.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`the relay exited (${code}):\n${this.log}`));
			});
		});
	}

	/** Kills it outright (as a crash or a pulled cable would), and waits for the port to close. */
	async stop(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once('exit', () => resolve());
			child.kill('SIGKILL');
		});
	}
}
