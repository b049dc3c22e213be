import { VdfsError } from '../errors';
import { isFileGone, type MediaResult, type ThumbTarget } from './media';
import { THUMB_SIZE, writeThumb } from './thumbs';

/** What a page read from a video or audio file with a media element. */
export interface ProbeResult {
	/** Seconds; null where the file does not say (a live stream). */
	duration: number | null;
	/** Pixels of a video's picture; null for audio. */
	width: number | null;
	height: number | null;
	/** A WebP thumbnail of the frame at 10% of the duration, at most `size` on its longest side. */
	frame: Blob | null;
}

/**
 * Reads videos and audio with the browser's media elements, which exist only on a page (not in
 * workers): the leader tab lends one to the core. Rejects with `Unsupported` for a file the
 * browser cannot play (a codec it lacks, a broken file), `NotReadable` for one that took too
 * long (tried again on the next scan).
 */
export interface MediaProbe {
	probe(file: File, kind: 'video' | 'audio', size: number): Promise<ProbeResult>;
}

/**
 * The media facts (duration, dimensions) of a video or audio file and, for a video, a
 * thumbnail of one frame stored at `target`. Without a probe (Node) nothing can be read: the
 * content keeps its kind icon.
 */
export async function readPlayable(
	file: File,
	kind: 'video' | 'audio',
	target: ThumbTarget,
	probe: MediaProbe | null
): Promise<MediaResult> {
	if (!probe) return { facts: null, thumb: 'unsupported' };
	let result: ProbeResult;
	try {
		result = await probe.probe(file, kind, target && kind === 'video' ? THUMB_SIZE : 0);
	} catch (e) {
		if (e instanceof VdfsError && e.code !== 'Unsupported') throw e;
		if (isFileGone(e)) throw e;
		return { facts: null, thumb: 'failed' };
	}
	const facts = {
		width: result.width || null,
		height: result.height || null,
		duration: result.duration !== null && Number.isFinite(result.duration) ? result.duration : null,
		takenAt: null,
		meta: {}
	};
	if (!result.frame || !target) return { facts, thumb: 'failed' };
	await writeThumb(target, result.frame);
	return { facts, thumb: 'stored' };
}

/**
 * A probe the page lends after the core has started (the core worker starts first). Calls
 * made before then wait for it, up to `wait` ms, and then fail as a problem the next media job
 * retries.
 */
export class LentProbe implements MediaProbe {
	#lent: MediaProbe | null = null;
	#waiting: (() => void)[] = [];

	constructor(private readonly wait = 15_000) {}

	lend(probe: MediaProbe): void {
		this.#lent = probe;
		for (const wake of this.#waiting.splice(0)) wake();
	}

	async probe(file: File, kind: 'video' | 'audio', size: number): Promise<ProbeResult> {
		if (!this.#lent) {
			await new Promise<void>((resolve) => {
				this.#waiting.push(resolve);
				setTimeout(resolve, this.wait);
			});
		}
		if (!this.#lent) {
			throw new VdfsError(
				'NotReadable',
				`“${file.name}” waits for an open Orrery tab to read it (videos and audio are read with the page's player); it is tried again on the next scan.`
			);
		}
		return this.#lent.probe(file, kind, size);
	}
}
