import { VdfsError } from '../errors';

/** Names Orrery writes while it works, kept out of the index and refused as user names. */
export const PARTIAL_PREFIX = '.orrery-partial-';
export const TRASH_FOLDER = '.orrery-trash';

/** Whether a name is one of Orrery's own working files or folders, never indexed. */
export function isWorkingName(name: string): boolean {
	return name === TRASH_FOLDER || name.startsWith(PARTIAL_PREFIX);
}

/**
 * A name typed for a new folder or a rename: what every file system refuses (slashes, control
 * characters, more than 255 bytes) is refused here with a reason. What only some disks refuse
 * (`:` on Windows disks) is left to the platform, whose error says which name failed.
 */
export function checkName(name: string): string {
	const clean = name.normalize('NFC').trim();
	if (clean === '' || clean === '.' || clean === '..')
		throw new VdfsError('InvalidInput', 'A name cannot be empty, “.” or “..”.');
	if (/[/\\]/.test(clean)) throw new VdfsError('InvalidInput', `“${clean}” has a slash; names cannot contain / or \\.`);
	if ([...clean].some((c) => c.charCodeAt(0) < 0x20))
		throw new VdfsError('InvalidInput', 'A name cannot contain control characters.');
	if (new TextEncoder().encode(clean).length > 255) {
		throw new VdfsError('InvalidInput', `“${clean.slice(0, 40)}…” is too long: names are at most 255 bytes.`);
	}
	if (isWorkingName(clean)) throw new VdfsError('InvalidInput', `“${clean}” is a name Orrery keeps for its own work.`);
	return clean;
}

function stemAndExt(name: string, isDir: boolean): [string, string] {
	const dot = name.lastIndexOf('.');
	return !isDir && dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/** `name`, then `name (2).ext`, `name (3).ext`… : the names "keep both" tries in turn. */
export function* numberedNames(name: string, isDir: boolean): Generator<string> {
	yield name;
	const [stem, ext] = stemAndExt(name, isDir);
	for (let n = 2; ; n++) yield `${stem} (${n})${ext}`;
}

/** `name copy.ext`, then `name copy 2.ext`…: the names a duplicate tries in turn. */
export function* copyNames(name: string, isDir: boolean): Generator<string> {
	const [stem, ext] = stemAndExt(name, isDir);
	yield `${stem} copy${ext}`;
	for (let n = 2; ; n++) yield `${stem} copy ${n}${ext}`;
}
