/**
 * The search bench's library, written straight into an in-memory database in Node: four
 * locations (a photo drive, a home folder with music and source trees, a work share, and a
 * phone that is another device), about 5% of entries folders, files identified as the identify
 * and media jobs would leave them (kind, size, dimensions, date taken, shared contents), a few
 * hundred tagged and favourite files. Rows go in as the indexer writes them (json_each batches,
 * every trigger on), in walk order, so pages and indexes look like a real library's.
 */
import type { Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import type { DeviceId, EntryId, LibraryId, LocationId, TagId } from '../../src/lib/vdfs/api';
import { libraryFileName } from '../../src/lib/vdfs/db/library-schema';
import { MemoryStorage } from '../../src/lib/vdfs/db/memory-storage';
import { extensionOf, isHiddenName } from '../../src/lib/vdfs/entries/paths';
import { naturalKey } from '../../src/lib/vdfs/entries/natural';
import { newId } from '../../src/lib/vdfs/ids';
import { kindFromExtension } from '../../src/lib/vdfs/identity/kind';
import { OpenLibrary } from '../../src/lib/vdfs/library/library';
import { openLibraryDb } from '../../src/lib/vdfs/library/open-library';
import { createLocation } from '../../src/lib/vdfs/locations/locations';
import { createTag, setEntryMeta, tagEntries } from '../../src/lib/vdfs/tags/tags';
import * as N from './names';

/** The library's "now": dates are spread over the years before it. */
export const NOW = Date.UTC(2025, 5, 1, 12);
const YEAR = 365.25 * 86_400_000;
const MB = 2 ** 20;

export interface BenchLibrary {
	lib: OpenLibrary;
	storage: MemoryStorage;
	entries: number;
	folders: number;
	locations: Record<'photos' | 'home' | 'work' | 'phone', LocationId>;
	tags: Record<string, TagId>;
	phone: DeviceId;
	/** The library file, for the browser to import. */
	export(): Uint8Array;
}

interface Media {
	kind?: string;
	width?: number;
	height?: number;
	duration?: number;
	takenAt?: number | null;
	/** Shares the content of an earlier file (a copy). */
	cas?: string;
	/** A name the folder already holds is skipped rather than numbered (source files). */
	once?: boolean;
}

/** Where rows wait for their batch; ids are given here, in walk order, as the indexer's are. */
class Writer {
	readonly r = N.random(20250601);
	#rows: unknown[][] = [];
	#contents: unknown[][] = [];
	#nextId: number;
	#seq = new Map<number, number>();
	#casCounter = 0;
	/** Recent contents by extension, for copies. */
	#pools = new Map<string, { cas: string; size: number }[]>();
	/** Per folder id: its parent, files and bytes below it (totals at the end). */
	#dirs = new Map<number, { parent: number; files: number; bytes: number }>();
	entries = 0;
	folders = 0;
	/** Names taken in each folder: a second file of one name becomes "name (2).ext", as copies do. */
	#names = new Map<number, Set<string>>();
	/** Entry uuids set aside for tags and favourites, by label. */
	readonly picked = new Map<string, string[]>();

	constructor(
		readonly lib: OpenLibrary,
		readonly target: number,
		readonly log: (line: string) => void
	) {
		this.#nextId = (lib.sql.value<number>('SELECT max(id) FROM entry') ?? 0) + 1;
	}

	get full(): boolean {
		return this.entries >= this.target;
	}

	/** Entries left of `budget` for a location whose generation began at `from`. */
	left(from: number, budget: number): boolean {
		return !this.full && this.entries - from < budget;
	}

	root(locId: number): number {
		return this.lib.sql.value<number>('SELECT id FROM entry WHERE location_id = ? AND parent_id IS NULL', [locId])!;
	}

	dir(loc: Loc, parent: Dir, name: string, mtime: number): Dir {
		if (this.full) return { id: 0, path: '' };
		const id = this.#nextId++;
		mtime = Math.round(mtime);
		name = this.#unique(parent.id, name);
		const path = parent.path ? `${parent.path}/${name}` : name;
		this.#push(loc, [id, newId(), loc.id, parent.id, name, '', 1, 0, mtime, null, path, 0, naturalKey(name)]);
		this.#dirs.set(id, { parent: parent.id, files: 0, bytes: 0 });
		this.folders++;
		return { id, path };
	}

	file(loc: Loc, parent: Dir, name: string, size: number, mtime: number, media: Media = {}): string {
		if (this.full || (media.once && this.#names.get(parent.id)?.has(name.toLowerCase()))) {
			this.lastUuid = '';
			this.lastCas = null;
			return '';
		}
		const id = this.#nextId++;
		mtime = Math.round(mtime);
		name = this.#unique(parent.id, name);
		const ext = extensionOf(name);
		const uuid = newId();
		let cas: string | null = null;
		const r = this.r;
		// Identified files: most of them (the identify job has run); some are still waiting.
		if (size > 0 && r() < 0.93) {
			const pool = this.#pools.get(ext);
			const copy = media.cas ? { cas: media.cas, size } : pool && r() < 0.03 ? N.pick(r, pool) : null;
			if (copy) {
				cas = copy.cas;
				size = copy.size;
			} else {
				cas = (++this.#casCounter * 0x9e3779b1 + Math.floor(r() * 2 ** 20)).toString(16).padStart(16, '0');
				const guess = kindFromExtension(ext);
				const kind = media.kind ?? guess.kind;
				const visual = kind === 'image' || kind === 'video';
				this.#contents.push([
					cas,
					kind,
					guess.mime,
					size,
					media.width ?? null,
					media.height ?? null,
					media.duration ?? null,
					media.takenAt == null ? null : Math.round(media.takenAt),
					kind === 'image' || kind === 'video' || kind === 'audio' ? 1 : 0,
					visual ? 1 : 0
				]);
				let list = this.#pools.get(ext);
				if (!list) this.#pools.set(ext, (list = []));
				if (list.length < 400) list.push({ cas, size });
				else list[Math.floor(r() * 400)] = { cas, size };
			}
		}
		this.#push(loc, [
			id,
			uuid,
			loc.id,
			parent.id,
			name,
			ext,
			0,
			size,
			mtime,
			cas,
			null,
			isHiddenName(name) ? 1 : 0,
			naturalKey(name)
		]);
		const d = this.#dirs.get(parent.id);
		if (d) {
			d.files++;
			d.bytes += size;
		}
		this.lastCas = cas;
		this.lastUuid = uuid;
		return cas ?? uuid;
	}

	/** The content id of the last file written (for copies elsewhere). */
	lastCas: string | null = null;
	lastUuid = '';

	pick(label: string, uuid: string): void {
		if (!uuid) return;
		let list = this.picked.get(label);
		if (!list) this.picked.set(label, (list = []));
		list.push(uuid);
	}

	#unique(parent: number, name: string): string {
		let names = this.#names.get(parent);
		if (!names) this.#names.set(parent, (names = new Set()));
		let unique = name;
		for (let n = 2; names.has(unique.toLowerCase()); n++) {
			const dot = name.lastIndexOf('.');
			unique = dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
		}
		names.add(unique.toLowerCase());
		return unique;
	}

	#push(loc: Loc, row: unknown[]): void {
		const seq = (this.#seq.get(loc.device) ?? loc.firstSeq) + 1;
		this.#seq.set(loc.device, seq);
		row.push(seq);
		this.#rows.push(row);
		this.entries++;
		if (this.#rows.length >= 20_000) this.flush();
	}

	flushMs = 0;
	#logged = 0;

	flush(): void {
		const t0 = performance.now();
		const sql = this.lib.sql;
		sql.tx(() => {
			if (this.#contents.length > 0) {
				sql.run(
					`INSERT INTO content (cas_id, kind, mime, size, width, height, duration, taken_at, media_state, thumb)
					SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
						value ->> 7, value ->> 8, value ->> 9 FROM json_each(?)`,
					[JSON.stringify(this.#contents)]
				);
			}
			if (this.#rows.length > 0) {
				sql.run(
					`INSERT INTO entry (id, uuid, location_id, parent_id, name, extension, is_dir, size, mtime, cas_id,
						path, hidden, name_key, seq)
					SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
						value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12, value ->> 13
					FROM json_each(?)`,
					[JSON.stringify(this.#rows)]
				);
			}
		});
		this.#rows = [];
		this.#contents = [];
		this.flushMs += performance.now() - t0;
		if (Math.floor(this.entries / 250_000) > this.#logged) {
			this.#logged = Math.floor(this.entries / 250_000);
			this.log(`  ${this.entries.toLocaleString('en-US')} entries written`);
		}
	}

	/** Folder totals (files and bytes of the subtree) and each device's next sequence number. */
	finish(): void {
		this.flush();
		const ids = [...this.#dirs.keys()].sort((a, b) => b - a);
		for (const id of ids) {
			const d = this.#dirs.get(id)!;
			const up = this.#dirs.get(d.parent);
			if (up) {
				up.files += d.files;
				up.bytes += d.bytes;
			}
		}
		const sql = this.lib.sql;
		sql.tx(() => {
			for (let i = 0; i < ids.length; i += 20_000) {
				sql.run(
					'UPDATE entry SET size = j.value ->> 1, file_count = j.value ->> 2 FROM json_each(?) j WHERE entry.id = j.value ->> 0',
					[
						JSON.stringify(
							ids.slice(i, i + 20_000).map((id) => [id, this.#dirs.get(id)!.bytes, this.#dirs.get(id)!.files])
						)
					]
				);
			}
			for (const [device, seq] of this.#seq) sql.run('UPDATE device SET next_seq = ? WHERE id = ?', [seq + 1, device]);
			sql.run(
				`UPDATE location SET scan_state = 'done', last_indexed_at = ?1,
				total_files = (SELECT count(*) FROM entry e WHERE e.location_id = location.id AND e.is_dir = 0),
				total_dirs = (SELECT count(*) FROM entry e WHERE e.location_id = location.id AND e.is_dir = 1 AND e.parent_id IS NOT NULL),
				total_bytes = (SELECT coalesce(sum(size), 0) FROM entry e WHERE e.location_id = location.id AND e.is_dir = 0)`,
				[NOW]
			);
		});
	}
}

interface Loc {
	id: number;
	device: number;
	firstSeq: number;
}
interface Dir {
	id: number;
	path: string;
}

/** A date in the `years` before NOW, recent ones likelier (people keep adding files). */
function recent(r: N.Rand, years = 12): number {
	return Math.round(NOW - r() ** 2 * years * YEAR);
}

const PHOTO_SIZES: [number, number][] = [
	[4032, 3024],
	[3024, 4032],
	[6000, 4000],
	[4000, 3000],
	[4080, 3072],
	[5472, 3648]
];

/** A photo drive: year / "2019-07-14 Beach trip" / camera files, some edits and videos. */
function photos(
	w: Writer,
	loc: Loc,
	root: Dir,
	budget: number,
	phoneShots: { name: string; cas: string; size: number }[]
) {
	const r = w.r;
	const from = w.entries;
	const years = Array.from({ length: 13 }, (_, i) => 2013 + i);
	const perYear = Math.ceil(budget / years.length);
	for (const year of years) {
		if (!w.left(from, budget)) break;
		const yDir = w.dir(loc, root, String(year), Date.UTC(year, 11, 31));
		const yearFrom = w.entries;
		const style = year < 2016 ? N.pick(r, [1, 4, 5]) : year < 2020 ? N.pick(r, [0, 1, 3]) : N.pick(r, [0, 2, 2]);
		while (w.left(from, budget) && w.entries - yearFrom < perYear) {
			const t = Date.UTC(year, 0, 1) + r() * (Math.min(NOW, Date.UTC(year + 1, 0, 1)) - Date.UTC(year, 0, 1));
			const { m, d } = N.date(t);
			const event = `${year}-${m}-${d} ${N.capital(N.pick(r, N.WORDS))} ${N.pick(r, N.WORDS)}`;
			const eDir = w.dir(loc, yDir, event, t + 5 * 86_400_000);
			const count = N.int(r, 20, 380);
			let n = N.int(r, 0, 9999);
			const tagged = r() < 0.01 ? 'trip' : r() < 0.01 ? 'family' : null;
			const sub = r() < 0.15 ? w.dir(loc, eDir, N.pick(r, ['Edited', 'RAW', 'Selects', 'Export']), t) : null;
			for (let i = 0; i < count && w.left(from, budget); i++) {
				const shot = t + i * N.int(r, 5, 600) * 1000;
				const into = sub && r() < 0.2 ? sub : eDir;
				const x = r();
				if (x < 0.86) {
					const name = N.cameraName(r, style, n++, shot);
					const raw = /\.(ARW|CR2)$/.test(name);
					const [width, height] = N.pick(r, PHOTO_SIZES);
					const size = raw ? N.int(r, 20, 32) * MB : N.int(r, 1500, 9000) * 1024;
					w.file(loc, into, name, size, shot + 2000, {
						kind: 'image',
						width,
						height,
						takenAt: r() < 0.9 ? shot : null
					});
					const cas = w.lastCas;
					if (year >= 2021 && style === 2 && cas && r() < 0.5) phoneShots.push({ name, cas, size });
				} else if (x < 0.94) {
					w.file(loc, into, N.videoName(r, style, n++, shot), N.int(r, 10, 900) * MB, shot + 2000, {
						kind: 'video',
						width: 1920,
						height: 1080,
						duration: N.int(r, 3, 600),
						takenAt: shot
					});
				} else if (x < 0.985) {
					const [width, height] = N.pick(r, PHOTO_SIZES);
					w.file(loc, into, N.namedPhoto(r, N.int(r, 1, 60)), N.int(r, 300, 6000) * 1024, shot + 86_400_000, {
						kind: 'image',
						width,
						height,
						takenAt: r() < 0.5 ? shot : null
					});
				} else {
					w.file(
						loc,
						into,
						N.pick(r, ['.DS_Store', 'Thumbs.db', 'notes.txt', 'album.xmp']),
						N.int(r, 1, 40) * 1024,
						shot
					);
				}
				if (tagged && r() < 0.35) w.pick(tagged, w.lastUuid);
				if (r() < 0.0004) w.pick('favorite', w.lastUuid);
			}
		}
	}
}

/** A home folder: documents, downloads, desktop, screenshots, music, videos and code. */
function home(w: Writer, loc: Loc, root: Dir, budget: number) {
	const r = w.r;
	const from = w.entries;
	const docs = w.dir(loc, root, 'Documents', recent(r, 1));
	const topics: [string, string[]][] = [
		['Finance', ['Taxes', 'Bank', 'Invoices', 'Receipts', 'Insurance']],
		['Personal', ['Letters', 'Medical', 'Car', 'House', 'Travel']],
		['School', ['Notes', 'Assignments', 'Papers']],
		['Books', ['Fiction', 'Programming', 'Cooking']],
		['Scans', []],
		['Work', ['Old projects', 'Reviews', 'Contracts']]
	];
	for (const [topic, subs] of topics) {
		const t = w.dir(loc, docs, topic, recent(r, 3));
		for (const sub of subs.length ? subs : ['']) {
			const s = sub ? w.dir(loc, t, sub, recent(r, 3)) : t;
			for (let year = 2014; year <= 2025; year++) {
				const y = w.dir(loc, s, String(year), Date.UTC(year, 11, 1));
				const count = N.int(r, 5, 120);
				for (let i = 0; i < count; i++) {
					const ms = Date.UTC(year, 0, 1) + r() * (YEAR - 1);
					const name =
						topic === 'Books' ? `${N.albumName(r)}.${N.pick(r, ['epub', 'pdf', 'mobi'])}` : N.documentName(r, ms);
					w.file(loc, y, name, N.int(r, 20, 4000) * 1024, Math.min(ms, NOW));
					if ((sub === 'Taxes' || sub === 'Receipts' || sub === 'Invoices') && r() < 0.12)
						w.pick('receipts', w.lastUuid);
					if (r() < 0.002) w.pick('favorite', w.lastUuid);
					if (r() < 0.004) w.pick('important', w.lastUuid);
				}
			}
		}
	}
	const downloads = w.dir(loc, root, 'Downloads', recent(r, 0.1));
	for (let i = 0; i < 6000; i++) {
		const ms = recent(r, 6);
		w.file(loc, downloads, N.downloadName(r, ms), N.int(r, 1, 200_000) * 1024, ms);
	}
	for (let i = 0; i < 40; i++) {
		const x = w.dir(loc, downloads, `${N.packageName(r)}-${N.int(r, 1, 9)}.${N.int(r, 0, 20)}`, recent(r, 6));
		for (let k = N.int(r, 5, 60); k > 0; k--)
			w.file(loc, x, N.sourceName(r, 'js'), N.int(r, 1, 80) * 1024, recent(r, 6), { once: true });
	}
	const desktop = w.dir(loc, root, 'Desktop', recent(r, 0.05));
	for (let i = 0; i < 900; i++) {
		const ms = recent(r, 3);
		w.file(
			loc,
			desktop,
			r() < 0.6 ? N.screenshotName(r, ms, false) : N.downloadName(r, ms),
			N.int(r, 50, 3000) * 1024,
			ms,
			{
				kind: r() < 0.6 ? 'image' : undefined
			}
		);
	}
	const pictures = w.dir(loc, root, 'Pictures', recent(r, 0.5));
	const shots = w.dir(loc, pictures, 'Screenshots', recent(r, 0.1));
	for (let i = 0; i < 9000; i++) {
		const ms = recent(r, 7);
		w.file(loc, shots, N.screenshotName(r, ms, false), N.int(r, 80, 4000) * 1024, ms, {
			kind: 'image',
			width: 2880,
			height: 1800
		});
	}
	for (const name of ['Wallpapers', 'Memes', 'Exports', 'Scans']) {
		const d = w.dir(loc, pictures, name, recent(r, 4));
		for (let i = N.int(r, 200, 900); i > 0; i--) {
			const ms = recent(r, 8);
			w.file(
				loc,
				d,
				r() < 0.5 ? N.namedPhoto(r, N.int(r, 1, 300)) : N.downloadName(r, ms),
				N.int(r, 80, 8000) * 1024,
				ms
			);
		}
	}
	const music = w.dir(loc, root, 'Music', recent(r, 2));
	for (let a = 0; a < 1400; a++) {
		const artist = w.dir(loc, music, N.bandName(r), recent(r, 10));
		for (let b = N.int(r, 1, 3); b > 0; b--) {
			const released = recent(r, 10);
			const album = w.dir(loc, artist, `${N.albumName(r)} (${N.date(released).y})`, released);
			const ext = N.pick(r, ['mp3', 'mp3', 'mp3', 'm4a', 'flac']);
			for (let t = 1, n = N.int(r, 6, 16); t <= n; t++) {
				w.file(
					loc,
					album,
					`${N.pad(t, 2)} ${N.songTitle(r)}.${ext}`,
					N.int(r, 3, ext === 'flac' ? 60 : 12) * MB,
					released,
					{
						duration: N.int(r, 120, 420)
					}
				);
				if (r() < 0.004) w.pick('favorite', w.lastUuid);
			}
			if (r() < 0.7)
				w.file(loc, album, N.pick(r, ['cover.jpg', 'folder.jpg', 'Front.jpg']), N.int(r, 40, 900) * 1024, released);
		}
	}
	const videos = w.dir(loc, root, 'Videos', recent(r, 1));
	for (let i = 0; i < 400; i++) {
		const ms = recent(r, 10);
		w.file(loc, videos, N.downloadName(r, ms).replace(/\.\w+$/, '.mp4'), N.int(r, 50, 4000) * MB, ms, {
			kind: 'video',
			duration: N.int(r, 30, 8000)
		});
	}
	// Source trees with their dependencies: the bulk of a developer's home folder.
	const code = w.dir(loc, root, 'Code', recent(r, 0.05));
	let project = 0;
	while (w.left(from, budget)) {
		const lang = N.pick(r, ['ts', 'ts', 'ts', 'py', 'go', 'rs'] as const);
		const touched = recent(r, 6);
		const p = w.dir(
			loc,
			code,
			`${N.srcFolder(r)}-${N.srcFolder(r)}${project++ % 3 === 0 ? '' : `-${N.int(r, 2, 99)}`}`,
			touched
		);
		for (const name of [
			'README.md',
			'LICENSE',
			'.gitignore',
			lang === 'ts' ? 'package.json' : lang === 'py' ? 'pyproject.toml' : lang === 'go' ? 'go.mod' : 'Cargo.toml'
		]) {
			w.file(loc, p, name, N.int(r, 1, 20) * 1024, touched);
		}
		const src = w.dir(loc, p, 'src', touched);
		sourceTree(w, loc, src, lang, 3, touched, from, budget);
		if (lang === 'ts' && w.left(from, budget)) {
			const nm = w.dir(loc, p, 'node_modules', touched);
			for (let k = N.int(r, 60, 260); k > 0 && w.left(from, budget); k--) {
				const pkg = w.dir(loc, nm, `${N.packageName(r)}${r() < 0.5 ? '' : `-${N.srcFolder(r)}`}`, touched);
				for (const name of ['package.json', 'README.md', 'LICENSE', 'index.js'])
					w.file(loc, pkg, name, N.int(r, 1, 30) * 1024, touched);
				for (const sub of r() < 0.6 ? ['lib', 'dist'] : ['lib']) {
					const s = w.dir(loc, pkg, sub, touched);
					for (let f = N.int(r, 2, 30); f > 0; f--)
						w.file(loc, s, N.sourceName(r, 'js'), N.int(r, 1, 200) * 1024, touched, { once: true });
				}
			}
		}
	}
}

function sourceTree(
	w: Writer,
	loc: Loc,
	dir: Dir,
	lang: 'ts' | 'py' | 'go' | 'rs',
	depth: number,
	touched: number,
	from: number,
	budget: number
) {
	const r = w.r;
	for (let f = N.int(r, 3, 25); f > 0 && w.left(from, budget); f--) {
		w.file(loc, dir, N.sourceName(r, lang), r() < 0.02 ? 0 : N.int(r, 1, 40) * 1024, touched - r() * YEAR, {
			once: true
		});
	}
	if (depth > 0) {
		for (let d = N.int(r, 0, 4); d > 0 && w.left(from, budget); d--) {
			sourceTree(w, loc, w.dir(loc, dir, N.srcFolder(r), touched), lang, depth - 1, touched, from, budget);
		}
	}
}

/** A work share: clients, years, numbered projects with contracts, invoices, designs and notes. */
function work(w: Writer, loc: Loc, root: Dir, budget: number) {
	const r = w.r;
	const from = w.entries;
	const shared = w.dir(loc, root, 'Shared', recent(r, 1));
	for (const name of ['Templates', 'HR', 'Brand', 'Policies']) {
		const d = w.dir(loc, shared, name, recent(r, 3));
		for (let i = N.int(r, 40, 200); i > 0; i--)
			w.file(loc, d, N.documentName(r, recent(r, 8)), N.int(r, 20, 9000) * 1024, recent(r, 8));
	}
	const clients = w.dir(loc, root, 'Clients', recent(r, 0.1));
	let number = 1;
	while (w.left(from, budget)) {
		const c = w.dir(
			loc,
			clients,
			`${N.pick(r, N.CLIENTS)} ${N.pick(r, ['Inc', 'GmbH', 'Ltd', 'Group', 'Labs', 'Co'])} ${number}`,
			recent(r, 6)
		);
		for (let year = 2016 + N.int(r, 0, 7); year <= 2025 && w.left(from, budget); year++) {
			const y = w.dir(loc, c, String(year), Date.UTC(year, 11, 1));
			for (let p = N.int(r, 1, 4); p > 0 && w.left(from, budget); p--) {
				const start = Math.min(NOW, Date.UTC(year, 0, 1) + r() * YEAR);
				const proj = w.dir(
					loc,
					y,
					`${year}-${N.pad(number++ % 1000, 3)} ${N.capital(N.pick(r, N.WORDS))} ${N.pick(r, N.WORDS)}`,
					start
				);
				const tagged = r() < 0.02;
				for (const part of ['Contracts', 'Invoices', 'Design', 'Meetings', 'Exports', 'Photos']) {
					const d = w.dir(loc, proj, part, start);
					for (let i = N.int(r, 1, 14); i > 0; i--) {
						const ms = Math.min(NOW, start + r() * 0.5 * YEAR);
						const { y: yy, m } = N.date(ms);
						const name =
							part === 'Invoices'
								? r() < 0.6
									? `invoice-${yy}-${m}.pdf`
									: `Invoice ${yy}-${m} ${N.pick(r, N.CLIENTS)}.pdf`
								: part === 'Design'
									? `${N.pick(r, N.WORDS)}-${N.pick(r, ['mockup', 'logo', 'banner', 'icon', 'layout'])}-v${N.int(r, 1, 9)}.${N.pick(r, ['png', 'psd', 'ai', 'svg', 'fig', 'sketch'])}`
									: part === 'Photos'
										? N.cameraName(r, N.int(r, 0, 3), N.int(r, 0, 9999), ms)
										: part === 'Meetings'
											? `Meeting notes ${N.date(ms).y}-${N.date(ms).m}-${N.date(ms).d}.${N.pick(r, ['docx', 'md'])}`
											: N.documentName(r, ms);
						w.file(loc, d, name, N.int(r, 20, part === 'Photos' ? 8000 : 3000) * 1024, ms);
						if (tagged && r() < 0.5) w.pick('work', w.lastUuid);
						if (part === 'Invoices' && r() < 0.02) w.pick('receipts', w.lastUuid);
					}
				}
				if (tagged) w.pick('work-folder', w.lastUuid);
			}
		}
	}
}

/** A phone (another device): camera roll, screenshots, messaging media, downloads, app folders. */
function phone(w: Writer, loc: Loc, root: Dir, budget: number, shots: { name: string; cas: string; size: number }[]) {
	const r = w.r;
	const from = w.entries;
	const dcim = w.dir(loc, root, 'DCIM', recent(r, 0.01));
	const camera = w.dir(loc, dcim, 'Camera', recent(r, 0.01));
	// Photos also copied to the photo drive: the same content on two devices.
	for (const s of shots) {
		w.file(loc, camera, s.name, s.size, recent(r, 4), { kind: 'image', cas: s.cas });
	}
	for (let i = 0; i < 30_000; i++) {
		const ms = recent(r, 4);
		if (r() < 0.92) {
			const [width, height] = N.pick(r, PHOTO_SIZES);
			w.file(loc, camera, N.cameraName(r, 2, i, ms), N.int(r, 1500, 6000) * 1024, ms, {
				kind: 'image',
				width,
				height,
				takenAt: ms
			});
		} else {
			w.file(loc, camera, N.videoName(r, 1, i, ms), N.int(r, 10, 700) * MB, ms, {
				kind: 'video',
				duration: N.int(r, 2, 300),
				takenAt: ms
			});
		}
	}
	const pictures = w.dir(loc, root, 'Pictures', recent(r, 0.01));
	const screenshots = w.dir(loc, pictures, 'Screenshots', recent(r, 0.01));
	for (let i = 0; i < 7000; i++) {
		const ms = recent(r, 4);
		w.file(loc, screenshots, N.screenshotName(r, ms, true), N.int(r, 100, 2500) * 1024, ms, {
			kind: 'image',
			width: 1080,
			height: 2400
		});
	}
	const wa = w.dir(loc, w.dir(loc, root, 'WhatsApp', recent(r, 0.01)), 'Media', recent(r, 0.01));
	const images = w.dir(loc, wa, 'WhatsApp Images', recent(r, 0.01));
	for (let i = 0; i < 18_000; i++) {
		const ms = recent(r, 5);
		const { y, m, d } = N.date(ms);
		w.file(loc, images, `IMG-${y}${m}${d}-WA${N.pad(i % 10000, 4)}.jpg`, N.int(r, 40, 400) * 1024, ms, {
			kind: 'image'
		});
	}
	const voice = w.dir(loc, wa, 'WhatsApp Voice Notes', recent(r, 0.01));
	for (let week = 0; week < 200; week++) {
		const ms = NOW - week * 7 * 86_400_000;
		const { y, m, d } = N.date(ms);
		const wDir = w.dir(
			loc,
			voice,
			`${y}${N.pad(Math.floor((ms - Date.UTC(Number(y), 0, 1)) / (7 * 86_400_000)), 2)}`,
			ms
		);
		for (let i = N.int(r, 0, 12); i > 0; i--)
			w.file(loc, wDir, `PTT-${y}${m}${d}-WA${N.pad(N.int(r, 0, 9999), 4)}.opus`, N.int(r, 5, 900) * 1024, ms);
	}
	const download = w.dir(loc, root, 'Download', recent(r, 0.01));
	for (let i = 0; i < 2500; i++) {
		const ms = recent(r, 5);
		w.file(loc, download, N.downloadName(r, ms), N.int(r, 1, 50_000) * 1024, ms);
	}
	// App data: many small folders of cache-like files.
	const android = w.dir(loc, w.dir(loc, root, 'Android', recent(r, 1)), 'media', recent(r, 1));
	while (w.left(from, budget)) {
		const app = w.dir(loc, android, `com.${N.pick(r, N.WORDS)}.${N.srcFolder(r)}`, recent(r, 2));
		for (let k = N.int(r, 1, 6); k > 0 && w.left(from, budget); k--) {
			const d = w.dir(loc, app, N.srcFolder(r), recent(r, 2));
			for (let i = N.int(r, 2, 40); i > 0 && w.left(from, budget); i--) {
				w.file(
					loc,
					d,
					`${N.srcFolder(r)}_${N.int(r, 0, 99999)}.${N.pick(r, ['jpg', 'json', 'dat', 'tmp', 'mp3', 'webp'])}`,
					N.int(r, 1, 300) * 1024,
					recent(r, 2)
				);
			}
		}
	}
}

/**
 * Builds the library. `deviceId` is the browser's own device, so the three local locations are
 * "here" once imported there, as a person's own library would be.
 */
export async function buildLibrary(
	sqlite3: Sqlite3Static,
	{ entries, deviceId, log }: { entries: number; deviceId: DeviceId; log: (line: string) => void }
): Promise<BenchLibrary> {
	const storage = new MemoryStorage(sqlite3, 'bench-search');
	const id = newId<LibraryId>();
	const lib = OpenLibrary.attach(id, openLibraryDb(storage, id), 'Bench', {
		id: deviceId,
		name: 'Laptop',
		platform: 'Linux'
	});
	// Bulk load in memory: nothing to survive.
	lib.sql.exec('PRAGMA journal_mode = OFF');
	lib.sql.exec('PRAGMA cache_size = -1048576');
	const phoneDevice = newId<DeviceId>();
	lib.sql.run("INSERT INTO device (uuid, name, platform, next_seq) VALUES (?, 'Pixel 8', 'Android', 1)", [phoneDevice]);
	const phoneRow = lib.sql.value<number>('SELECT id FROM device WHERE uuid = ?', [phoneDevice])!;
	const location = (name: string): { uuid: LocationId; loc: Loc; root: Dir } => {
		const summary = createLocation(lib, { name, kind: 'fsa' });
		const row = lib.sql.value<number>('SELECT id FROM location WHERE uuid = ?', [summary.id])!;
		return {
			uuid: summary.id,
			loc: { id: row, device: lib.deviceRowId, firstSeq: lib.nextSeq() + 10 },
			root: { id: 0, path: '' }
		};
	};
	const L = { photos: location('Photos'), home: location('Home'), work: location('Work'), phone: location('Phone') };
	lib.sql.run('UPDATE location SET device_id = ?, kind = ? WHERE uuid = ?', [phoneRow, 'fsa', L.phone.uuid]);
	L.phone.loc = { id: L.phone.loc.id, device: phoneRow, firstSeq: 10 };

	const w = new Writer(lib, entries, log);
	for (const l of Object.values(L)) l.root = { id: w.root(l.loc.id), path: '' };
	const shots: { name: string; cas: string; size: number }[] = [];
	const started = Date.now();
	photos(w, L.photos.loc, L.photos.root, Math.round(entries * 0.3), shots);
	home(w, L.home.loc, L.home.root, Math.round(entries * 0.42));
	work(w, L.work.loc, L.work.root, Math.round(entries * 0.17));
	phone(w, L.phone.loc, L.phone.root, entries - w.entries, shots);
	w.finish();
	log(
		`${w.entries.toLocaleString('en-US')} entries (${w.folders.toLocaleString('en-US')} folders) in ${Math.round((Date.now() - started) / 1000)} s (${Math.round(w.flushMs / 1000)} s in SQLite)`
	);

	// Tags and favourites through the shared ops, as a person sets them.
	const device = deviceId as string;
	const tag = (name: string, parent?: TagId) => createTag(lib, device, { name, parent }).id;
	const trip = tag('Trip');
	const tags: Record<string, TagId> = {
		trip,
		summer: tag('Summer 2023', trip),
		japan: tag('Japan 2019', trip),
		family: tag('Family'),
		work: tag('Work'),
		receipts: tag('Receipts'),
		important: tag('Important'),
		toPrint: tag('To print')
	};
	const picked = (label: string) => (w.picked.get(label) ?? []) as EntryId[];
	const half = (list: EntryId[], first: boolean) => list.filter((_, i) => (i % 2 === 0) === first);
	if (picked('trip').length) tagEntries(lib, device, tags.summer, half(picked('trip'), true));
	if (picked('trip').length) tagEntries(lib, device, tags.japan, half(picked('trip'), false));
	if (picked('family').length) tagEntries(lib, device, tags.family, picked('family'));
	if (picked('work').length) tagEntries(lib, device, tags.work, picked('work'));
	if (picked('work-folder').length) tagEntries(lib, device, tags.work, picked('work-folder'));
	if (picked('receipts').length) tagEntries(lib, device, tags.receipts, picked('receipts'));
	if (picked('important').length) tagEntries(lib, device, tags.important, picked('important'), { pinned: true });
	if (picked('important').length) tagEntries(lib, device, tags.toPrint, picked('important').slice(0, 20));
	if (picked('favorite').length) setEntryMeta(lib, device, picked('favorite'), { favorite: true });
	// A few marked hidden.
	setEntryMeta(lib, device, picked('receipts').slice(0, 15), { hidden: true });
	const counts = lib.sql.get<{ tagged: number; favorites: number }>(
		`SELECT (SELECT count(*) FROM tag_link WHERE linked = 1) AS tagged,
			(SELECT count(*) FROM user_meta WHERE favorite = 1) AS favorites`
	)!;
	log(`tag links: ${counts.tagged}, favourites: ${counts.favorites}`);

	const folders = w.folders;
	const total = w.entries;
	return {
		lib,
		storage,
		entries: total,
		folders,
		locations: { photos: L.photos.uuid, home: L.home.uuid, work: L.work.uuid, phone: L.phone.uuid },
		tags,
		phone: phoneDevice,
		export: () => storage.read(libraryFileName(id))
	};
}
