/**
 * The page cache of a library's connection, in MiB. SQLite fills it only as pages are read, so a
 * small library holds no more than it reads; a large one keeps its hot index pages and the rows
 * of recent results instead of reading them through the VFS again. In a library of a million
 * entries (a 700 MiB file, bench search), 128 MiB rather than 32 took the searches' p50 from
 * 5.2–6.5 ms to 4.3–4.8 ms (three interleaved runs each).
 *
 * 128 MiB on devices that say they have 4 GB or more (navigator.deviceMemory, Chromium), 32 MiB
 * on smaller ones (Chromebooks and tablets share their memory with everything else), 64 MiB
 * where the browser does not say.
 */
export function pageCacheMiB(
	deviceMemoryGB = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory
): number {
	if (deviceMemoryGB === undefined) return 64;
	return deviceMemoryGB >= 4 ? 128 : 32;
}
