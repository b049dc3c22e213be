/** Tag colours offered (the core's TAG_COLORS; it accepts any #rrggbb). */
export const TAG_PALETTE = [
	'#e5484d',
	'#f76b15',
	'#ffc53d',
	'#46a758',
	'#12a594',
	'#0090ff',
	'#8e4ec6',
	'#d6409f',
	'#8d8d8d'
];
