import { describe, expect, it } from 'vitest';
import { exifDate, imageFacts } from '../../src/lib/vdfs/media/image-facts';
import { PHOTO, PHOTO_META, headerOnlyJpeg, withExif } from '../fixtures/exif';

describe('image facts', () => {
	it('reads camera, lens, exposure, date taken and GPS from EXIF, and pixels from the header', async () => {
		const facts = await imageFacts(withExif(headerOnlyJpeg(4000, 3000)));
		expect(facts).toEqual({
			width: 4000,
			height: 3000,
			duration: null,
			takenAt: PHOTO.takenAt,
			meta: PHOTO_META
		});
	});

	it('gives the shown size of a photo turned a quarter by its orientation', async () => {
		const facts = await imageFacts(withExif(headerOnlyJpeg(4000, 3000), 6));
		expect(facts).toMatchObject({ width: 3000, height: 4000, meta: { orientation: 6 } });
	});

	it('keeps what it can read when there is no EXIF, and nothing when the bytes are no image', async () => {
		expect(await imageFacts(headerOnlyJpeg(640, 480))).toEqual({
			width: 640,
			height: 480,
			duration: null,
			takenAt: null,
			meta: {}
		});
		expect(await imageFacts(new TextEncoder().encode('not a picture at all'))).toEqual({
			width: null,
			height: null,
			duration: null,
			takenAt: null,
			meta: {}
		});
	});

	it('reads EXIF dates as the camera wrote them and refuses nonsense', () => {
		expect(exifDate('2023:07:14 18:42:05')).toBe(Date.UTC(2023, 6, 14, 18, 42, 5));
		expect(exifDate('0000:00:00 00:00:00')).toBeNull();
		expect(exifDate('yesterday')).toBeNull();
		expect(exifDate(undefined)).toBeNull();
	});
});
