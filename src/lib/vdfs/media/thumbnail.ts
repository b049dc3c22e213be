import type { MediaFacts } from './image-facts';
import { THUMB_SIZE } from './thumbs';

/** Whether this thread can make thumbnails (a browser window or worker; not Node). */
export function canMakeThumbnails(): boolean {
	return typeof OffscreenCanvas !== 'undefined' && typeof createImageBitmap === 'function';
}

/**
 * A WebP thumbnail of an image, its longest side THUMB_SIZE (never enlarged), turned as its
 * EXIF orientation says. Where the size is known, the browser decodes straight to the small
 * size (createImageBitmap with resizeWidth/Height), which costs far less than a full decode
 * of a 12-megapixel photo; otherwise it decodes whole and scales. Throws if the browser cannot
 * decode it (a RAW file, a broken image).
 */
export async function imageThumbnail(file: Blob, facts: Pick<MediaFacts, 'width' | 'height'>): Promise<Blob> {
	const options: ImageBitmapOptions = { imageOrientation: 'from-image', resizeQuality: 'medium' };
	let bitmap: ImageBitmap;
	if (facts.width && facts.height) {
		const [width, height] = fit(facts.width, facts.height);
		bitmap = await createImageBitmap(file, { ...options, resizeWidth: width, resizeHeight: height });
	} else {
		const whole = await createImageBitmap(file, options);
		const [width, height] = fit(whole.width, whole.height);
		bitmap =
			width === whole.width ? whole : await createImageBitmap(whole, { resizeWidth: width, resizeHeight: height });
		if (bitmap !== whole) whole.close();
	}
	try {
		const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
		const context = canvas.getContext('2d');
		if (!context) throw new Error('No 2D canvas in this browser.');
		context.drawImage(bitmap, 0, 0);
		return await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
	} finally {
		bitmap.close();
	}
}

/** A size scaled to fit THUMB_SIZE, aspect kept, never enlarged. */
function fit(width: number, height: number): [number, number] {
	const scale = Math.min(1, THUMB_SIZE / Math.max(width, height));
	return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}
