/**
 * The tree both sides of `bench db` insert: `dirs` folders of `perDir` files each. Plain JS so
 * the Node runner can hand the same function to the app page (by its source) and the worker.
 * @param {number} dirs
 * @param {number} perDir
 */
export function benchTree(dirs, perDir) {
	const dirRows = [];
	const files = [];
	for (let d = 0; d < dirs; d++) {
		const dir = `folder-${String(d).padStart(4, '0')}`;
		dirRows.push({ path: dir, isDir: true, size: 0, mtime: 1_700_000_000_000 + d });
		const batch = [];
		for (let f = 0; f < perDir; f++) {
			const ext = ['jpg', 'txt', 'pdf', 'mp4', 'md'][f % 5];
			batch.push({
				path: `${dir}/file ${d}-${f} report.${ext}`,
				isDir: false,
				size: (d * perDir + f) * 37,
				mtime: 1_700_000_000_000 + f
			});
		}
		files.push(batch);
	}
	return { dirs: dirRows, files };
}
