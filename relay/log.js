/**
 * One relay event: a name such as `connection:open` and flat fields.
 *
 * @callback RelayLog
 * @param {string} event
 * @param {Record<string, string | number | boolean | undefined>} [fields]
 * @returns {void}
 */

/**
 * `2025-01-02T03:04:05.678Z connection:open peer=12D3… addr=/ip4/… conns=3`: one line per
 * event, greppable by name and by peer id. Values with spaces or quotes are JSON-quoted;
 * undefined fields are left out.
 *
 * @param {string} event
 * @param {Record<string, string | number | boolean | undefined>} [fields]
 * @param {Date} [now]
 * @returns {string}
 */
export function formatLogLine(event, fields = {}, now = new Date()) {
	const parts = [now.toISOString(), event];
	for (const [key, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		const text = String(value);
		parts.push(`${key}=${text === '' || /[\s"=]/.test(text) ? JSON.stringify(text) : text}`);
	}
	return parts.join(' ');
}

/** @type {RelayLog} */
export function logToStdout(event, fields) {
	process.stdout.write(formatLogLine(event, fields) + '\n');
}
