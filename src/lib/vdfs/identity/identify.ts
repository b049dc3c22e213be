import { VdfsError } from '../errors';
import {
	casIdOfRanges,
	fileBytes,
	fullHash,
	memoryBytes,
	readCasRanges,
	READ_WHOLE_UP_TO,
	type CasId,
	type FullHashOptions
} from './cas';
import { SNIFF_BYTES, detectKind, type ContentKind } from './kind';

/** What identifying one file finds. */
export interface Identity {
	casId: CasId;
	kind: ContentKind;
	mime: string | null;
}

/**
 * The content id, kind and mime type of a non-empty file, from the ranges the content id reads
 * (the kind comes from the first of them). A file that changed or vanished while it was read
 * throws a VdfsError (`NotReadable`, `NotFound`) and gets no id.
 */
export async function identifyFile(file: Blob, name: string): Promise<Identity> {
	const { casId, head } = await hashFile(file, name);
	return { casId, ...(await detectKind(head, name)) };
}

/**
 * The content id of a non-empty file and its first bytes (for detectKind). Split from
 * identifyFile so that a hasher worker can leave kind detection to another thread: file-type
 * costs about as much CPU as the read and hash of a small file (bench identify: 0.78 of the
 * raw limit with it in the hasher, 1.0 without).
 */
export async function hashFile(file: Blob, name: string): Promise<{ casId: CasId; head: Uint8Array }> {
	if (file.size === 0) throw new VdfsError('InvalidInput', 'An empty file has no content id.');
	try {
		const chunks =
			file.size <= READ_WHOLE_UP_TO
				? await readCasRanges(memoryBytes(await readWhole(file)))
				: await readCasRanges(fileBytes(file));
		return { casId: await casIdOfRanges(file.size, chunks), head: chunks[0].slice(0, SNIFF_BYTES) };
	} catch (e) {
		throw readError(e, name);
	}
}

/** The full BLAKE3 of a file (see fullHash); a change while reading throws `NotReadable`. */
export async function fullHashOfFile(file: Blob, name: string, options?: FullHashOptions): Promise<string> {
	try {
		return await fullHash(fileBytes(file), options);
	} catch (e) {
		throw readError(e, name);
	}
}

async function readWhole(file: Blob): Promise<Uint8Array> {
	const bytes = new Uint8Array(await file.arrayBuffer());
	if (bytes.length !== file.size) throw new VdfsError('NotReadable', 'The file changed while it was read.');
	return bytes;
}

/**
 * Chromium fails a read of a File whose file changed after getFile() with NotReadableError, and
 * of one deleted meanwhile with NotFoundError: both mean "try again after the next rescan".
 */
function readError(e: unknown, name: string): VdfsError {
	if (e instanceof VdfsError) return e.code === 'NotReadable' ? changed(name) : e;
	const errName = e instanceof Error ? e.name : '';
	if (errName === 'AbortError') return new VdfsError('Cancelled', 'Cancelled.');
	if (errName === 'NotFoundError') {
		return new VdfsError('NotFound', `“${name}” was deleted while it was read.`, { path: name });
	}
	if (errName === 'NotReadableError') return changed(name);
	return new VdfsError('NotReadable', `“${name}” could not be read: ${e instanceof Error ? e.message : String(e)}`, {
		path: name
	});
}

function changed(name: string): VdfsError {
	return new VdfsError(
		'NotReadable',
		`“${name}” changed while it was read; it gets its content id after the next rescan.`,
		{ path: name }
	);
}
