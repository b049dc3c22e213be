/**
 * Names as people's disks hold them, for the search bench's library: camera and phone files,
 * screenshots, scans, invoices and reports with versions, music by artist and album, source
 * trees with their dependencies. Drawn from a seeded generator, so every run builds the same
 * library.
 */

/** A seeded generator (mulberry32): uniform in [0, 1). */
export function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

export type Rand = () => number;

export const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)];
export const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const split = (s: string): string[] => s.trim().split(/\s+/);

export const WORDS = split(`
	beach sunset party birthday wedding garden mountain lake river forest city street night morning
	family friends kids dog cat holiday summer winter spring autumn trip road camping hiking skiing
	snow rain storm sky clouds sea harbour boat bridge castle church museum market dinner lunch
	breakfast cake christmas easter graduation concert festival game match team school office house
	kitchen bedroom living room car bike train airport hotel pool island desert canyon park zoo
	flowers tree leaves portrait selfie group view panorama old new first last best final draft copy
	backup edit crop small large blue red green yellow black white golden silver happy quiet
	little big north south east west upper lower home work project plan idea notes list review
`);

const NOUNS = split(`
	report invoice budget proposal contract letter statement receipt summary presentation agenda
	minutes schedule timeline roadmap brief quote estimate order application form certificate
	manual guide handbook specification requirements analysis forecast survey results strategy
	policy checklist inventory catalogue newsletter flyer poster brochure resume cover-letter
`);

const TOPICS = split(`
	marketing sales finance hr legal design engineering product support operations research
	quarterly annual monthly weekly client team board vendor partner customer internal
`);

export const FIRST = split(`
	anna ben carla david emma frank grace henry iris jack karen leo maria nina oscar paula quentin
	rosa sam tina ulla victor wendy xavier yara zoe
`);

const LAST = split(`
	smith jones brown miller davis garcia wilson moore taylor anderson thomas jackson white harris
	martin thompson young king wright lopez hill scott green adams baker nelson carter mitchell
`);

export const CLIENTS = split(`
	Acme Globex Initech Umbrella Hooli Vandelay Soylent Stark Wayne Wonka Cyberdyne Tyrell Oscorp
	Aperture Gringotts Monarch Nakatomi Pied-Piper Prestige Sterling Massive Dynamic Virtucon Zorg
`);

const MUSIC_WORDS = split(`
	love heart night dream fire light shadow rain blue sky home road river city gold heaven angel
	wild free young forever tonight moon sun star summer girl boy baby rock roll dance fever storm
	midnight paradise hello goodbye lonely crazy sweet broken little blackbird yesterday tomorrow
	morning evening thunder ocean desert highway train stranger memory echo silence whisper
`);

const BAND_WORDS = split(`
	the black white red velvet stone arctic electric silver crystal iron golden neon lunar royal
	midnight wolves foxes lions tigers kings queens pilots doctors brothers sisters monkeys smiths
	strokes killers hollies beat wave machine orchestra quartet collective sound project
`);

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const title = (r: Rand, words: readonly string[], n: number): string =>
	Array.from({ length: n }, () => cap(pick(r, words))).join(' ');

export function bandName(r: Rand): string {
	return r() < 0.3
		? `${cap(pick(r, FIRST))} ${cap(pick(r, LAST))}`
		: title(r, BAND_WORDS, int(r, 1, 3)).replace(/^(?!The )/, r() < 0.4 ? 'The ' : '');
}

export const albumName = (r: Rand): string => title(r, MUSIC_WORDS, int(r, 1, 3));
export const songTitle = (r: Rand): string => title(r, MUSIC_WORDS, int(r, 1, 4));

export function date(ms: number): { y: string; m: string; d: string; H: string; M: string; S: string } {
	const t = new Date(ms);
	return {
		y: String(t.getUTCFullYear()),
		m: pad(t.getUTCMonth() + 1, 2),
		d: pad(t.getUTCDate(), 2),
		H: pad(t.getUTCHours(), 2),
		M: pad(t.getUTCMinutes(), 2),
		S: pad(t.getUTCSeconds(), 2)
	};
}

/** A camera's name for a shot at `ms`, numbered `n`: the name patterns of common cameras and phones. */
export function cameraName(r: Rand, style: number, n: number, ms: number): string {
	const { y, m, d, H, M, S } = date(ms);
	switch (style) {
		case 0:
			return `IMG_${pad(n % 10000, 4)}.${r() < 0.4 ? 'HEIC' : 'JPG'}`;
		case 1:
			return `DSC${pad(n % 100000, 5)}.${r() < 0.15 ? 'ARW' : 'JPG'}`;
		case 2:
			return `PXL_${y}${m}${d}_${H}${M}${S}${pad(n % 1000, 3)}.jpg`;
		case 3:
			return `IMG_${y}${m}${d}_${H}${M}${S}.jpg`;
		case 4:
			return `_MG_${pad(n % 10000, 4)}.${r() < 0.2 ? 'CR2' : 'JPG'}`;
		default:
			return `P${pad(n % 10000000, 7)}.JPG`;
	}
}

export function videoName(r: Rand, style: number, n: number, ms: number): string {
	const { y, m, d, H, M, S } = date(ms);
	switch (style % 3) {
		case 0:
			return `IMG_${pad(n % 10000, 4)}.MOV`;
		case 1:
			return `VID_${y}${m}${d}_${H}${M}${S}.mp4`;
		default:
			return `MVI_${pad(n % 10000, 4)}.MP4`;
	}
}

/** A photo someone named: "beach sunset 12.jpg". */
export function namedPhoto(r: Rand, n: number): string {
	return `${pick(r, WORDS)} ${pick(r, WORDS)} ${n}.${pick(r, ['jpg', 'jpg', 'jpg', 'png', 'jpeg'])}`;
}

export function screenshotName(r: Rand, ms: number, phone: boolean): string {
	const { y, m, d, H, M, S } = date(ms);
	return phone ? `Screenshot_${y}${m}${d}-${H}${M}${S}.png` : `Screenshot ${y}-${m}-${d} at ${H}.${M}.${S}.png`;
}

/** Office files: invoices by month, reports in versions, meeting notes by date, scans. */
export function documentName(r: Rand, ms: number): string {
	const { y, m, d, H, M, S } = date(ms);
	const noun = pick(r, NOUNS);
	const topic = pick(r, TOPICS);
	const office = pick(r, ['docx', 'docx', 'xlsx', 'pptx', 'pdf', 'pdf', 'pdf', 'odt', 'pages']);
	switch (int(r, 0, 13)) {
		case 0:
			return `invoice-${y}-${m}.pdf`;
		case 1:
			return `Invoice ${y}-${m} ${pick(r, CLIENTS)}.pdf`;
		case 2:
			return `${noun}-final-v${int(r, 1, 6)}.${office}`;
		case 3:
			return `${cap(topic)} ${noun} ${y}.${office}`;
		case 4:
			return `Meeting notes ${y}-${m}-${d}.${pick(r, ['docx', 'md', 'txt'])}`;
		case 5:
			return `Scan ${y}-${m}-${d} ${H}.${M}.${S}.pdf`;
		case 6:
			return `bank-statement-${y}-${m}.pdf`;
		case 7:
			return `${cap(noun)} (${int(r, 1, 4)}).${office}`;
		case 8:
			return `${topic}_${noun}_${y}${m}${d}.${office}`;
		case 9:
			return `Q${int(r, 1, 4)} ${topic} ${noun}.${pick(r, ['xlsx', 'pptx', 'pdf'])}`;
		case 10:
			return `${cap(pick(r, FIRST))} ${cap(pick(r, LAST))} - ${noun}.${office}`;
		case 11:
			return `receipt_${y}${m}${d}_${pad(int(r, 0, 9999), 4)}.pdf`;
		case 12:
			return `${noun} ${pick(r, ['draft', 'final', 'signed', 'old', 'copy', 'edit', 'review'])}.${office}`;
		default:
			return `Tax return ${y}.pdf`;
	}
}

const PACKAGES = split(`
	react react-dom lodash express axios chalk commander debug semver glob minimatch yargs
	typescript eslint prettier vite rollup esbuild postcss tailwindcss svelte vue webpack babel-core
	jest vitest mocha chai uuid moment dayjs date-fns zod ajv ws socket.io cors dotenv body-parser
	mime qs rxjs tslib core-js regenerator-runtime picomatch micromatch fast-glob fs-extra
	graceful-fs inherits once wrappy rimraf mkdirp acorn espree estraverse source-map buffer
	readable-stream string_decoder safe-buffer events util path-browserify punycode
`);

const SRC_WORDS = split(`
	app main index utils helpers api client server config store router auth user users session
	button modal dialog header footer sidebar layout list table form input select menu card
	search filter sort parser lexer schema model types constants hooks context theme styles
	logger errors cache queue worker db migrate test setup format date string array http
`);

export const packageName = (r: Rand): string => pick(r, PACKAGES);

/** A source file: index.ts, Button.tsx, user_service.py, README.md … */
export function sourceName(r: Rand, lang: 'ts' | 'py' | 'go' | 'rs' | 'js'): string {
	const w = pick(r, SRC_WORDS);
	const x = r();
	if (x < 0.06) return 'index.' + (lang === 'py' ? 'py' : lang === 'ts' ? 'ts' : lang);
	if (x < 0.09) return pick(r, ['README.md', 'package.json', 'tsconfig.json', 'LICENSE', 'Makefile', '.gitignore']);
	switch (lang) {
		case 'ts':
			return r() < 0.4 ? `${cap(w)}${cap(pick(r, SRC_WORDS))}.tsx` : `${w}.${r() < 0.2 ? 'test.ts' : 'ts'}`;
		case 'py':
			return `${w}_${pick(r, SRC_WORDS)}.py`;
		case 'go':
			return `${w}${r() < 0.3 ? '_test' : ''}.go`;
		case 'rs':
			return `${w}.rs`;
		default:
			return r() < 0.2 ? `${w}.min.js` : r() < 0.2 ? `${w}.js.map` : r() < 0.2 ? `${w}.d.ts` : `${w}.js`;
	}
}

export const srcFolder = (r: Rand): string => pick(r, SRC_WORDS);

export function downloadName(r: Rand, ms: number): string {
	const { y, m, d } = date(ms);
	switch (int(r, 0, 9)) {
		case 0:
			return `setup-${int(r, 1, 9)}.${int(r, 0, 20)}.${int(r, 0, 9)}-x64.${pick(r, ['exe', 'msi', 'dmg'])}`;
		case 1:
			return `${pick(r, SRC_WORDS)}-${pick(r, SRC_WORDS)}-main.zip`;
		case 2:
			return `${documentName(r, ms).replace(/\.(\w+)$/, ` (${int(r, 1, 3)}).$1`)}`;
		case 3:
			return `IMG-${y}${m}${d}-WA${pad(int(r, 0, 9999), 4)}.jpg`;
		case 4:
			return `${pick(r, WORDS)}-${pick(r, WORDS)}.${pick(r, ['pdf', 'epub', 'mobi'])}`;
		case 5:
			return `${pick(r, ['photo', 'image', 'download', 'file'])}${r() < 0.5 ? '' : ` (${int(r, 1, 9)})`}.${pick(r, ['jpg', 'png', 'webp', 'gif'])}`;
		case 6:
			return `${pick(r, WORDS)}_${pick(r, WORDS)}_${y}.${pick(r, ['csv', 'json', 'xlsx', 'txt'])}`;
		case 7:
			return `${cap(pick(r, WORDS))} ${cap(pick(r, WORDS))} ${pick(r, ['1080p', '720p', 'trailer', 'clip'])}.${pick(r, ['mp4', 'mkv', 'webm'])}`;
		case 8:
			return `${pick(r, PACKAGES)}-${int(r, 0, 9)}.${int(r, 0, 30)}.${int(r, 0, 9)}.${pick(r, ['tar.gz', 'zip', 'tgz'])}`;
		default:
			return documentName(r, ms);
	}
}

export const personName = (r: Rand): string => `${cap(pick(r, FIRST))} ${cap(pick(r, LAST))}`;
export const capital = cap;
