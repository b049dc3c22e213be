/**
 * A name's key for natural order, as file managers sort: case folded, and each run of digits
 * compared as a number ("IMG_2" before "IMG_10", "v1.9" before "v1.10"). A run becomes its
 * digit count (one character, below any letter) and its digits without leading zeros, so that
 * plain string comparison of keys orders numbers by value. Names equal but for case or leading
 * zeros get equal keys; the name itself breaks the tie.
 */
export function naturalKey(name: string): string {
	return name
		.normalize('NFC')
		.toLowerCase()
		.replace(/\d+/g, (run) => {
			const digits = run.replace(/^0+(?=\d)/, '');
			// Lengths 1–48 map to '1'…'`', all below 'a'; longer runs (not numbers anyone reads)
			// compare by their first 48 digits' length as if 48 long.
			return String.fromCharCode(0x30 + Math.min(digits.length, 48)) + digits;
		});
}
