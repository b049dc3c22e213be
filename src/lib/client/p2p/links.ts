// Pairing links as the UI reads them (the format lives with the protocol, vdfs/p2p/pair.ts).
export { decodeInviteLink, type InviteLink } from '$lib/vdfs/p2p/pair';
