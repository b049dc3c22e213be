// npm run bench -- <name> [--json]: human-readable lines, and with --json a last line of JSON.
const BENCHES = {
	db: () => import('./db.js'),
	index: () => import('./index.js'),
	identify: () => import('./identify.js'),
	explorer: () => import('./explorer.js'),
	search: () => import('./search.js'),
	p2p: () => import('./p2p.js'),
	copy: () => import('./copy.js')
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
if (names.length === 0 || names.some((n) => !(n in BENCHES))) {
	console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json]`);
	process.exit(2);
}
for (const name of names) {
	const bench = (await BENCHES[name]()).default;
	const result = await bench({ log: (line) => console.log(`[${name}] ${line}`) });
	if (json) console.log(JSON.stringify(result));
	else console.log(result);
}
// Whatever a bench left behind (a browser that would not close) does not keep the run alive.
process.exit(0);
