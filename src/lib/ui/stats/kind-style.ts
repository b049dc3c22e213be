import type { ContentKind } from '$lib/vdfs/api';
import { KIND_LABEL } from '../explorer/kinds';

/** How a statistics kind (a content kind, `pending` or `empty`) is named and drawn. */
export interface KindStyle {
	label: string;
	/** The icon the explorer shows for it. */
	icon: ContentKind;
	/** Its tile and swatch colour. */
	colour: string;
	/** Text on that colour. */
	ink: string;
}

/** The explorer's kind icon colours (KindIcon.svelte), so a kind looks the same everywhere. */
const COLOUR: Record<Exclude<ContentKind, 'folder'>, string> = {
	image: '#2f9e6e',
	video: '#c2410c',
	audio: '#9333ea',
	document: '#dc2626',
	text: '#64748b',
	code: '#2563eb',
	archive: '#a16207',
	font: '#0f766e',
	executable: '#475569',
	unknown: '#94a3b8'
};

const DARK_INK = '#0f172a';

export function kindStyle(kind: string): KindStyle {
	if (kind === 'pending') return { label: 'Not identified yet', icon: 'unknown', colour: '#cbd5e1', ink: DARK_INK };
	if (kind === 'empty') return { label: 'Empty', icon: 'unknown', colour: '#e2e8f0', ink: DARK_INK };
	// "File" is the explorer's word for one file of no known kind; a total of them is "Other".
	if (kind === 'unknown' || !(kind in COLOUR)) {
		return { label: 'Other', icon: 'unknown', colour: COLOUR.unknown, ink: DARK_INK };
	}
	const known = kind as Exclude<ContentKind, 'folder'>;
	return { label: KIND_LABEL[known], icon: known, colour: COLOUR[known], ink: '#ffffff' };
}
