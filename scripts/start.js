// `npm start`: builds the app, then serves it on loopback (the relay joins here when it exists).
import { spawnSync } from 'node:child_process';
import { serveBuild } from './serve.js';

const build = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';
const { url } = await serveBuild({ host, port });
console.log(`\n  Orrery is running at ${url}\n  (Ctrl+C to stop)\n`);
