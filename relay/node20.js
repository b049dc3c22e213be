// Node 20 lacks Promise.withResolvers (Node 22 has it); @libp2p/utils calls it on every
// stream. Import this module before anything from libp2p runs.
if (typeof Promise.withResolvers !== 'function') {
	Object.defineProperty(Promise, 'withResolvers', {
		configurable: true,
		writable: true,
		value: function withResolvers() {
			/** @type {(value: unknown) => void} */
			let resolve = () => {};
			/** @type {(reason?: unknown) => void} */
			let reject = () => {};
			const promise = new Promise((res, rej) => {
				resolve = res;
				reject = rej;
			});
			return { promise, resolve, reject };
		}
	});
}
