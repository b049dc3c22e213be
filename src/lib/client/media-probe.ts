/**
 * The page's side of reading videos and audio: workers have no media elements, so the leader
 * tab lends the core this probe (core worker `lendMediaProbe`). Each file is opened from an
 * object URL in a detached, muted element; nothing plays and nothing is added to the page.
 */
import { VdfsError } from '$lib/vdfs/errors';
import type { MediaProbe, ProbeResult } from '$lib/vdfs/media/playable';
import { encodeThumb, fit } from '$lib/vdfs/media/thumbnail';

/** Files open at once: each holds a decoder; the page has other work. */
const AT_ONCE = 2;
/** How long one step (metadata, a seek) may take before the file counts as unreadable. */
const STEP_MS = 15_000;
/** Where in a video its thumbnail frame is taken: past title cards and fades. */
const FRAME_AT = 0.1;

export class ElementProbe implements MediaProbe {
	#running = 0;
	#queue: (() => void)[] = [];

	async probe(file: File, kind: 'video' | 'audio', size: number): Promise<ProbeResult> {
		if (this.#running >= AT_ONCE) await new Promise<void>((resolve) => this.#queue.push(resolve));
		this.#running++;
		try {
			return await probeElement(file, kind, size);
		} finally {
			this.#running--;
			this.#queue.shift()?.();
		}
	}
}

async function probeElement(file: File, kind: 'video' | 'audio', size: number): Promise<ProbeResult> {
	const element = document.createElement(kind);
	element.muted = true;
	element.preload = 'metadata';
	if (element instanceof HTMLVideoElement) element.playsInline = true;
	const url = URL.createObjectURL(file);
	try {
		element.src = url;
		await step(element, 'loadedmetadata', file.name);
		let duration = element.duration;
		if (duration === Infinity) {
			// Recordings (MediaRecorder's WebM) carry no duration; seeking past the end finds it.
			element.currentTime = Number.MAX_SAFE_INTEGER;
			await step(element, 'seeked', file.name);
			duration = element.duration;
		}
		const known = Number.isFinite(duration) && duration > 0;
		if (!(element instanceof HTMLVideoElement) || element.videoWidth === 0) {
			return { duration: known ? duration : null, width: null, height: null, frame: null };
		}
		const { videoWidth: width, videoHeight: height } = element;
		let frame: Blob | null = null;
		if (size > 0) {
			const at = known ? duration * FRAME_AT : 0;
			if (element.currentTime !== at || element.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
				element.currentTime = at;
				await step(element, 'seeked', file.name);
			}
			frame = await encodeThumb(element, fit(width, height, size));
		}
		return { duration: known ? duration : null, width, height, frame };
	} finally {
		element.removeAttribute('src');
		element.load();
		URL.revokeObjectURL(url);
	}
}

/**
 * Waits for `event`. An error event means the browser cannot read the file (`Unsupported`: it
 * keeps its kind icon); STEP_MS of silence is `NotReadable`, tried again later.
 */
function step(element: HTMLMediaElement, event: string, name: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const done = (error?: VdfsError) => {
			clearTimeout(timer);
			element.removeEventListener(event, ok);
			element.removeEventListener('error', failed);
			if (error) reject(error);
			else resolve();
		};
		const ok = () => done();
		const failed = () =>
			done(
				new VdfsError(
					'Unsupported',
					`This browser cannot play “${name}”${element.error?.message ? ` (${element.error.message})` : ''}.`
				)
			);
		// Slow is not broken (a busy tab, a slow disk): a problem the next scan tries again.
		const timer = setTimeout(
			() =>
				done(
					new VdfsError(
						'NotReadable',
						`“${name}” took over ${STEP_MS / 1000} s to open; it is tried again on the next scan.`
					)
				),
			STEP_MS
		);
		element.addEventListener(event, ok);
		element.addEventListener('error', failed);
		if (element.error) failed();
	});
}
