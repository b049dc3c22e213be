import type { EntryMedia } from '$lib/vdfs/api';

/** "f/4 · 1/250 s · ISO 400 · 35 mm", from what is known. */
export function exposure(m: EntryMedia): string {
	const parts: string[] = [];
	if (m.aperture) parts.push(`f/${Number(m.aperture.toFixed(1))}`);
	if (m.exposureTime) {
		parts.push(
			m.exposureTime >= 1 ? `${Number(m.exposureTime.toFixed(1))} s` : `1/${Math.round(1 / m.exposureTime)} s`
		);
	}
	if (m.iso) parts.push(`ISO ${m.iso}`);
	if (m.focalLength) parts.push(`${Number(m.focalLength.toFixed(1))} mm`);
	return parts.join(' · ');
}

/** A date taken as the camera's clock said it (stored as UTC wall-clock time). */
export function formatTaken(ms: number): string {
	return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
}

/** 75.4 → "1:15". */
export function formatDuration(seconds: number): string {
	const s = Math.round(seconds);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
