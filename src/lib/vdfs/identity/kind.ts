import { fileTypeFromBuffer } from 'file-type/core';
// The full table: mime/lite leaves out vendor types such as .docx and .xlsx.
import mime from 'mime';
import otherTypes from 'mime/types/other.js';
import standardTypes from 'mime/types/standard.js';
import type { ContentKind } from '../api';

export type { ContentKind };

export interface KindGuess {
	kind: ContentKind;
	/** null when neither the bytes nor the name say. */
	mime: string | null;
}

/** How many leading bytes kind detection looks at (file-type's own minimum for every format). */
export const SNIFF_BYTES = 4100;

/**
 * Containers that magic bytes name only generically: a .docx is a zip, an .xlsx or .msi an OLE
 * compound file, an .svg or .plist XML. Where the name says which member of the family it is,
 * the name wins; otherwise the bytes do.
 */
const GENERIC_MAGIC = new Set(['zip', 'xml', 'cfb', 'gz', 'tar']);

/**
 * Signatures of two or three bytes that random data matches often: an MPEG audio frame's sync
 * bits, "BM", "MZ", compress's 1F 9D. Of 100,000 files of random bytes, 44 read as one of these
 * (42 as audio). Where the name says what the file is, the name wins.
 */
const WEAK_MAGIC = new Set(['mp1', 'mp2', 'mp3', 'aac', 'ac3', 'bmp', 'exe', 'Z', 'arj', 'cpio', 'jxl']);

const CODE = new Set(
	`js mjs cjs jsx ts mts cts tsx svelte vue astro py pyi rb go rs c h cc cpp cxx hpp hh java kt kts
	swift m mm cs fs vb php pl pm lua r dart scala clj ex exs erl hs ml elm zig nim jl sh bash zsh fish
	ps1 bat cmd sql graphql gql html htm css scss sass less json jsonc json5 yaml yml toml xml xsl
	gradle cmake make mk dockerfile tf proto ipynb`.split(/\s+/)
);

const TEXT = new Set('txt text md markdown rst adoc org log csv tsv ini cfg conf env srt vtt tex bib nfo'.split(' '));

const DOCUMENT_MIMES = [
	'application/pdf',
	'application/msword',
	'application/vnd.ms-excel',
	'application/vnd.ms-powerpoint',
	'application/vnd.openxmlformats-officedocument.',
	'application/vnd.oasis.opendocument.',
	'application/rtf',
	'text/rtf',
	'application/epub+zip',
	'application/x-mobipocket-ebook',
	'application/vnd.apple.pages',
	'application/vnd.apple.numbers',
	'application/vnd.apple.keynote'
];

const ARCHIVE = new Set(
	`zip tar gz tgz bz2 tbz2 xz txz zst 7z rar lz lzma lz4 cab arj cpio ar deb rpm dmg iso jar war apk
	ipa zipx z br`.split(/\s+/)
);

const FONT = new Set('ttf otf woff woff2 eot ttc fon'.split(' '));

const EXECUTABLE = new Set('exe dll msi com so dylib elf app appimage bin wasm apk out o a lib sys'.split(' '));

/** Extensions whose kind and mime the `mime` table lacks or gets wrong for a file manager. */
const EXTRA_MIME: Record<string, string> = {
	ts: 'text/x-typescript',
	tsx: 'text/x-typescript',
	mts: 'text/x-typescript',
	cts: 'text/x-typescript',
	svelte: 'text/x-svelte',
	vue: 'text/x-vue',
	rs: 'text/x-rust',
	go: 'text/x-go',
	py: 'text/x-python',
	rb: 'text/x-ruby',
	kt: 'text/x-kotlin',
	swift: 'text/x-swift',
	dart: 'text/x-dart',
	heic: 'image/heic',
	heif: 'image/heif',
	dng: 'image/x-adobe-dng',
	cr2: 'image/x-canon-cr2',
	nef: 'image/x-nikon-nef',
	arw: 'image/x-sony-arw',
	mkv: 'video/x-matroska',
	flac: 'audio/flac',
	opus: 'audio/opus',
	appimage: 'application/x-executable',
	dylib: 'application/x-mach-binary',
	so: 'application/x-sharedlib'
};

/**
 * The kind and mime type of a file: its leading bytes first (file-type's magic numbers), its
 * extension second, and for a file neither recognises, whether the bytes read as text.
 */
export async function detectKind(head: Uint8Array, name: string): Promise<KindGuess> {
	const ext = extensionOf(name);
	const byName = kindFromExtension(ext);
	let magic: { ext: string; mime: string } | undefined;
	try {
		magic = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
	} catch {
		// A truncated or odd header that file-type trips on: the name decides.
		magic = undefined;
	}
	const nameWins =
		magic !== undefined &&
		byName.kind !== 'unknown' &&
		((GENERIC_MAGIC.has(magic.ext) && byName.kind !== 'text') || WEAK_MAGIC.has(magic.ext));
	if (magic && !nameWins) {
		return { kind: kindFromMime(magic.mime, magic.ext), mime: magic.mime };
	}
	if (byName.kind !== 'unknown') return byName;
	if (magic) return { kind: kindFromMime(magic.mime, magic.ext), mime: magic.mime };
	if (head.length > 0 && looksLikeText(head)) return { kind: 'text', mime: 'text/plain' };
	return { kind: 'unknown', mime: null };
}

/** The kind a name alone suggests (for files not yet identified, and for the fallback). */
export function kindFromExtension(ext: string): KindGuess {
	ext = ext.toLowerCase();
	if (!ext) return { kind: 'unknown', mime: null };
	const type = EXTRA_MIME[ext] ?? mime.getType(ext);
	if (CODE.has(ext)) return { kind: 'code', mime: type ?? 'text/plain' };
	if (TEXT.has(ext)) return { kind: 'text', mime: type ?? 'text/plain' };
	if (FONT.has(ext)) return { kind: 'font', mime: type };
	if (ARCHIVE.has(ext)) return { kind: 'archive', mime: type };
	if (EXECUTABLE.has(ext)) return { kind: 'executable', mime: type };
	return { kind: type ? kindFromMime(type, ext) : 'unknown', mime: type };
}

let byKind: Map<ContentKind, string[]> | null = null;

/**
 * Every extension that kindFromExtension() gives a kind other than 'unknown', by kind: its
 * inverse, so that SQL can test a file's extension against a list instead of calling back into
 * JS for each row (~4 µs a call through sqlite-wasm, bench search). An extension in none of the
 * lists is 'unknown'; one holding a backslash is not covered (mime reads it as a path).
 */
export function extensionsByKind(): ReadonlyMap<ContentKind, readonly string[]> {
	if (!byKind) {
		const exts = new Set([...CODE, ...TEXT, ...FONT, ...ARCHIVE, ...EXECUTABLE, ...Object.keys(EXTRA_MIME)]);
		for (const table of [standardTypes, otherTypes]) {
			for (const list of Object.values(table)) for (const ext of list) exts.add(ext.replace(/^\*/, '').toLowerCase());
		}
		byKind = new Map();
		for (const ext of exts) {
			const { kind } = kindFromExtension(ext);
			if (kind === 'unknown') continue;
			let list = byKind.get(kind);
			if (!list) byKind.set(kind, (list = []));
			list.push(ext);
		}
	}
	return byKind;
}

function kindFromMime(type: string, ext: string): ContentKind {
	if (DOCUMENT_MIMES.some((d) => type === d || (d.endsWith('.') && type.startsWith(d)))) return 'document';
	const [top] = type.split('/');
	if (top === 'image') return 'image';
	if (top === 'video') return 'video';
	if (top === 'audio') return 'audio';
	if (top === 'font' || type.includes('font')) return 'font';
	if (FONT.has(ext)) return 'font';
	if (ARCHIVE.has(ext) || /zip|compressed|tar|rar|archive|diskimage|iso9660|debian|rpm|cpio/.test(type))
		return 'archive';
	if (EXECUTABLE.has(ext) || /executable|msdownload|elf|mach-binary|sharedlib|wasm|dosexec|msi/.test(type)) {
		return 'executable';
	}
	if (CODE.has(ext)) return 'code';
	if (top === 'text') return 'text';
	return 'unknown';
}

function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * Text if the bytes hold no NUL and decode as UTF-8 (a multi-byte character cut at the end of
 * the sample is allowed), with few control characters.
 */
function looksLikeText(bytes: Uint8Array): boolean {
	const sample = bytes.subarray(0, SNIFF_BYTES);
	let control = 0;
	for (const b of sample) {
		if (b === 0) return false;
		if (b < 9 || (b > 13 && b < 32)) control++;
	}
	if (control > sample.length / 100) return false;
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(sample));
		return true;
	} catch {
		return false;
	}
}

function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
	// Up to three trailing bytes may belong to a character the sample cut in two.
	for (let back = 1; back <= 3 && back <= bytes.length; back++) {
		const b = bytes[bytes.length - back];
		if ((b & 0xc0) === 0xc0) return bytes.subarray(0, bytes.length - back);
		if ((b & 0x80) === 0) break;
	}
	return bytes;
}
