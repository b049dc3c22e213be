/**
 * Reservation bookkeeping that @libp2p/circuit-relay-v2 4.2.13 leaves out:
 *
 * - It declares a `relay:reservation` event but never dispatches it, so the relay watches the
 *   server's public `reservations` map instead (wrapping its `set` and `delete`).
 * - It keeps a reservation until its TTL (2 h) even after the peer has gone, so ten browsers
 *   reloading twice would fill 15 slots for two hours. The circuit v2 spec says a reservation
 *   lasts only while the peer stays connected; go-libp2p drops it on disconnect, and so does this.
 */

/**
 * @typedef {import('@libp2p/circuit-relay-v2').CircuitRelayService} CircuitRelayService
 * @typedef {import('@libp2p/circuit-relay-v2').RelayReservation} RelayReservation
 * @typedef {import('@libp2p/interface').PeerId} PeerId
 * @typedef {import('./log.js').RelayLog} RelayLog
 */

/**
 * @param {CircuitRelayService} relay
 * @param {import('@libp2p/interface').Libp2p} node
 * @param {{ maxReservations: number, reservationTtlMs: number, log: RelayLog }} init
 * @returns {{ wouldRefuse(peer: PeerId): boolean, stop(): void }}
 */
export function trackReservations(relay, node, { maxReservations, reservationTtlMs, log }) {
	const map = relay.reservations;
	const set = map.set.bind(map);
	const remove = map.delete.bind(map);
	/** @type {string | undefined} set while this module removes a reservation itself */
	let endReason;

	map.set = (peer, reservation) => {
		const refresh = map.has(peer);
		set(peer, reservation);
		log(refresh ? 'reservation:refresh' : 'reservation:new', {
			peer: peer.toString(),
			addr: reservation.addr.toString(),
			// A refresh resets the TTL timer but keeps the old `expiry` date in the record.
			expires: new Date(Date.now() + reservationTtlMs).toISOString(),
			dataLimit: reservation.limit?.data?.toString() ?? 'none',
			durationLimitMs: reservation.limit?.duration ?? 'none',
			reservations: `${map.size}/${maxReservations}`
		});
		return map;
	};
	map.delete = (peer) => {
		const removed = remove(peer);
		if (removed) {
			log('reservation:end', {
				peer: peer.toString(),
				reason: endReason ?? 'expired',
				reservations: `${map.size}/${maxReservations}`
			});
		}
		return removed;
	};

	/** @param {CustomEvent<PeerId>} evt */
	const onDisconnect = (evt) => {
		const reservation = map.get(evt.detail);
		if (reservation == null) return;
		// Stop the TTL timer first: when it fired later it would delete a newer reservation the
		// same peer made after reconnecting.
		reservation.signal.clear();
		endReason = 'disconnected';
		try {
			map.delete(evt.detail);
		} finally {
			endReason = undefined;
		}
	};
	node.addEventListener('peer:disconnect', onDisconnect);

	return {
		/**
		 * The same test the reservation store makes next (reservation-store.js `reserve`), so the
		 * refusal can be logged; the store itself answers RESERVATION_REFUSED.
		 */
		wouldRefuse(peer) {
			return map.size >= maxReservations && !map.has(peer);
		},
		stop() {
			node.removeEventListener('peer:disconnect', onDisconnect);
		}
	};
}
