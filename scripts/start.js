// `npm start`: builds the app, then serves it on loopback together with the local relay
// (relay/main.js on 127.0.0.1:4401, the app's default relay), so two browser profiles on this
// machine can pair and connect right away. Ctrl+C stops both.
import { spawn, spawnSync } from 'node:child_process';
import { serveBuild } from './serve.js';

const build = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const relay = spawn(process.execPath, ['relay/main.js'], { stdio: ['ignore', 'pipe', 'inherit'] });
relay.stdout.on('data', (chunk) => {
	for (const line of String(chunk).split('\n')) {
		if (line.startsWith('ORRERY_RELAY ')) console.log(`  relay: ${JSON.parse(line.slice(13)).multiaddrs.join(' ')}`);
	}
});
relay.once('exit', (code) => {
	if (code)
		console.error(`  The relay stopped (exit ${code}); devices can still use the app, but cannot pair or connect.`);
});

const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';
const { url } = await serveBuild({ host, port });
console.log(`\n  Orrery is running at ${url}\n  (Ctrl+C to stop)\n`);
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.once(signal, () => {
		relay.kill('SIGTERM');
		process.exit(0);
	});
}
