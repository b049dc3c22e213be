import { VdfsError } from '../errors';
import type { ContentKind } from '../api';
import { FACTS_BYTES, MORE_FACTS_BYTES, imageFacts, imageMime, type MediaFacts } from './image-facts';
import { canMakeThumbnails, imageThumbnail } from './thumbnail';
import { writeThumb } from './thumbs';

/** Pictures up to this size are read whole, once; larger ones in parts. */
const READ_WHOLE_BYTES = 16 * 1024 * 1024;

/** What reading one content's media gave. */
export interface MediaResult {
	/** null: nothing could be read from it. */
	facts: MediaFacts | null;
	/** stored: written to `thumb`; failed: the browser cannot decode it; unsupported: no canvas here. */
	thumb: 'stored' | 'failed' | 'unsupported';
}

/**
 * Whether a read failed because the file went or changed under it: that is the file's problem
 * (reported, tried again later), not a sign its media cannot be read.
 */
export function isFileGone(e: unknown): boolean {
	return e instanceof DOMException && (e.name === 'NotFoundError' || e.name === 'NotReadableError');
}

/** Where a thumbnail goes (see thumbPath); null: facts only. */
export type ThumbTarget = { dirs: string[]; name: string } | null;

/**
 * The media facts of an image and, where this thread can draw, its thumbnail (stored at
 * `target`). Videos and audio need a media element, which workers lack: see readPlayable.
 */
export async function readMedia(file: File, kind: ContentKind, target: ThumbTarget): Promise<MediaResult> {
	if (kind !== 'image') throw new VdfsError('InvalidInput', `No media reader for ${kind} files yet.`);
	let facts: MediaFacts | null;
	let mime: string | null = null;
	// Most pictures are read once, whole, for both the facts and the thumbnail (bench explorer:
	// a second read of the same file cost a round trip and the stream's pumping in this thread).
	let whole: Uint8Array<ArrayBuffer> | null = null;
	try {
		if (file.size <= READ_WHOLE_BYTES) whole = new Uint8Array(await file.arrayBuffer());
		let head = whole ? whole.subarray(0, FACTS_BYTES) : new Uint8Array(await file.slice(0, FACTS_BYTES).arrayBuffer());
		facts = await imageFacts(head);
		if (facts.width === null && file.size > FACTS_BYTES) {
			// Large APP segments (XMP, ICC, previews) can push the frame header further in.
			head = whole
				? whole.subarray(0, MORE_FACTS_BYTES)
				: new Uint8Array(await file.slice(0, MORE_FACTS_BYTES).arrayBuffer());
			facts = await imageFacts(head);
		}
		mime = imageMime(head);
	} catch (e) {
		if (isFileGone(e)) throw e;
		facts = null;
	}
	if (!target || !canMakeThumbnails()) return { facts, thumb: 'unsupported' };
	let blob: Blob;
	try {
		blob = await imageThumbnail(whole ?? file, facts ?? { width: null, height: null }, mime);
	} catch (e) {
		if (isFileGone(e)) throw e;
		return { facts, thumb: 'failed' };
	}
	await writeThumb(target, blob);
	return { facts, thumb: 'stored' };
}
