/// <reference lib="webworker" />
/**
 * A hasher: opens files under a location's folder handle (or takes File objects), computes
 * content ids and full checksums, so the core worker's database writes never wait on hashing
 * (see HasherPool).
 */
import { serveHasher } from '$lib/vdfs/identity/hasher-pool';
import { warmThumbnails } from '$lib/vdfs/media/thumbnail';

serveHasher(self as unknown as Parameters<typeof serveHasher>[0]);
// While this worker hashes, the thumbnail codecs get ready for the media job that follows.
void warmThumbnails();
