import * as exifr from 'exifr';
import { imageSize } from 'image-size';

/** What a photo's or video's metadata says beyond its size and date (content.media, as JSON). */
export interface MediaMeta {
	/** Camera make and model, e.g. "Canon EOS R6". */
	camera?: string;
	lens?: string;
	/** f-number, e.g. 2.8. */
	aperture?: number;
	/** Seconds, e.g. 0.004 for 1/250. */
	exposureTime?: number;
	iso?: number;
	/** Millimetres. */
	focalLength?: number;
	/** Degrees, WGS 84. */
	latitude?: number;
	longitude?: number;
	/** EXIF orientation, 1–8 (already applied to width, height and the thumbnail). */
	orientation?: number;
}

/** The media facts stored on a content row. */
export interface MediaFacts {
	/** Pixels as the image is shown (after its orientation). */
	width: number | null;
	height: number | null;
	/** Seconds, for video and audio. */
	duration: number | null;
	/** When it was taken, ms since the epoch. */
	takenAt: number | null;
	meta: MediaMeta;
}

/**
 * Bytes read from the start of an image for its size and metadata: EXIF sits in the first
 * 64 KiB segment of a JPEG, and the frame header right after. If the size is not found there,
 * MORE_FACTS_BYTES are read.
 */
export const FACTS_BYTES = 128 * 1024;
export const MORE_FACTS_BYTES = 2 * 1024 * 1024;

/**
 * Dimensions (image-size) and EXIF (exifr) of an image from its first bytes. Either may be
 * missing (a PNG without EXIF, a format image-size does not know): what is found is returned.
 */
export async function imageFacts(head: Uint8Array): Promise<MediaFacts> {
	const meta: MediaMeta = {};
	let takenAt: number | null = null;
	try {
		const tags = (await exifr.parse(head, {
			tiff: true,
			exif: true,
			gps: true,
			ifd1: false,
			xmp: false,
			icc: false,
			iptc: false,
			jfif: false,
			ihdr: false,
			translateValues: false,
			reviveValues: false,
			pick: [
				'Make',
				'Model',
				'LensModel',
				'DateTimeOriginal',
				'CreateDate',
				'FNumber',
				'ExposureTime',
				'ISOSpeedRatings',
				'ISO',
				'FocalLength',
				'Orientation',
				'GPSLatitude',
				'GPSLatitudeRef',
				'GPSLongitude',
				'GPSLongitudeRef'
			]
		})) as Record<string, unknown> | undefined;
		if (tags) {
			const make = text(tags.Make);
			const model = text(tags.Model);
			// "Canon" + "Canon EOS R6" reads as the model alone.
			const camera = make && model && !model.startsWith(make) ? `${make} ${model}` : (model ?? make);
			if (camera) meta.camera = camera;
			const lens = text(tags.LensModel);
			if (lens) meta.lens = lens;
			if (positive(tags.FNumber)) meta.aperture = tags.FNumber;
			if (positive(tags.ExposureTime)) meta.exposureTime = tags.ExposureTime;
			const iso = Array.isArray(tags.ISO) ? (tags.ISO[0] as unknown) : (tags.ISO ?? tags.ISOSpeedRatings);
			if (positive(iso)) meta.iso = iso;
			if (positive(tags.FocalLength)) meta.focalLength = tags.FocalLength;
			if (typeof tags.Orientation === 'number' && tags.Orientation >= 1 && tags.Orientation <= 8) {
				meta.orientation = tags.Orientation;
			}
			const latitude = degrees(tags.GPSLatitude, tags.GPSLatitudeRef, 'S');
			const longitude = degrees(tags.GPSLongitude, tags.GPSLongitudeRef, 'W');
			if (latitude !== null && longitude !== null && (latitude !== 0 || longitude !== 0)) {
				meta.latitude = latitude;
				meta.longitude = longitude;
			}
			takenAt = exifDate(tags.DateTimeOriginal ?? tags.CreateDate);
		}
	} catch {
		// No EXIF, or EXIF exifr cannot read: the rest still counts.
	}
	let width: number | null = null;
	let height: number | null = null;
	try {
		const size = imageSize(head);
		if (size.width && size.height) [width, height] = [size.width, size.height];
	} catch {
		// Not a format image-size knows, or its header lies past the bytes read.
	}
	// Orientations 5–8 turn the picture a quarter: it shows as tall as it is stored wide.
	if (width !== null && height !== null && (meta.orientation ?? 1) >= 5) [width, height] = [height, width];
	return { width, height, duration: null, takenAt, meta };
}

/** Image types by image-size's names, for decoders that want a mime type. */
const MIMES: Record<string, string> = {
	jpg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	gif: 'image/gif',
	bmp: 'image/bmp',
	avif: 'image/avif',
	ico: 'image/x-icon',
	heif: 'image/heif'
};

/** The mime type of an image from its first bytes, if image-size knows it. */
export function imageMime(head: Uint8Array): string | null {
	try {
		return MIMES[imageSize(head).type ?? ''] ?? null;
	} catch {
		return null;
	}
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.replace(/\0+$/, '').trim() : undefined;
}

function positive(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** EXIF GPS degrees, minutes, seconds (or decimal degrees) and a hemisphere to signed degrees. */
function degrees(value: unknown, ref: unknown, negative: string): number | null {
	let deg: number | null = null;
	if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number')) {
		const [d, m, s] = value as number[];
		deg = d + m / 60 + s / 3600;
	} else if (typeof value === 'number' && Number.isFinite(value)) deg = value;
	if (deg === null || deg > 180) return null;
	return Math.round((ref === negative ? -deg : deg) * 1e6) / 1e6;
}

/**
 * "YYYY:MM:DD HH:MM:SS" as ms since the epoch, read as UTC: the camera's wall-clock time, which
 * is what people mean by "taken at 12:34" (shown in UTC, it reads as the camera said, wherever
 * the viewer is). Most cameras record no offset, so one rule for all keeps the order true.
 */
export function exifDate(value: unknown): number | null {
	if (typeof value !== 'string') return null;
	const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
	if (!m) return null;
	const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
	if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
	return Date.UTC(y, mo - 1, d, h, mi, s);
}
