import { transferHandlers, type TransferHandler } from 'comlink';
import { deserializeError, serializeError, type SerializedError } from '../errors';

/**
 * Comlink sends a thrown Error as {name, message, stack} and drops its code. This replaces its
 * 'throw' handler on both sides of the worker boundary, so callers get a VdfsError with the
 * code and message the core chose. Call once in the worker and once in the page.
 */
export function installErrorTransfer(): void {
	const builtin = transferHandlers.get('throw');
	if (!builtin) return;
	const handler: TransferHandler<{ value: unknown }, SerializedError> = {
		canHandle: (v): v is { value: unknown } => builtin.canHandle(v),
		serialize: ({ value }) => [serializeError(value), []],
		deserialize: (s) => {
			throw deserializeError(s);
		}
	};
	transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
