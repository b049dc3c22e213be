// Draws Orrery's app icons (an orbit around a sun on a blue tile) as PNGs with no dependencies.
// Run once after changing the design: node scripts/make-icons.js
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (buf) => {
	let c = 0xffffffff;
	for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
};

function icon(size, { maskable }) {
	const raw = Buffer.alloc((size * 4 + 1) * size);
	const c = size / 2;
	const radius = maskable ? size / 2 : size * 0.22; // tile corner radius
	for (let y = 0; y < size; y++) {
		raw[y * (size * 4 + 1)] = 0;
		for (let x = 0; x < size; x++) {
			const i = y * (size * 4 + 1) + 1 + x * 4;
			const px = x + 0.5,
				py = y + 0.5;
			// rounded tile
			const dx = Math.max(Math.abs(px - c) - (c - radius), 0),
				dy = Math.max(Math.abs(py - c) - (c - radius), 0);
			const inTile = maskable || Math.hypot(dx, dy) <= radius;
			if (!inTile) continue;
			let [r, g, b] = [59, 91, 219];
			const d = Math.hypot(px - c, py - c) / size;
			const s = maskable ? 0.8 : 1; // keep the mark inside the maskable safe zone
			if (d < 0.11 * s) [r, g, b] = [255, 212, 59];
			else if (Math.abs(d - 0.3 * s) < 0.022 * s) [r, g, b] = [230, 236, 255];
			const pd = Math.hypot(px - (c + 0.212 * s * size), py - (c - 0.212 * s * size)) / size;
			if (pd < 0.055 * s) [r, g, b] = [255, 255, 255];
			raw.set([r, g, b, 255], i);
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr.set([8, 6, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0))
	]);
}

writeFileSync('static/icon-192.png', icon(192, { maskable: false }));
writeFileSync('static/icon-512.png', icon(512, { maskable: false }));
writeFileSync('static/icon-maskable-512.png', icon(512, { maskable: true }));
