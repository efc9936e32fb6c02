import type { Readable } from 'node:stream';
import { MediaError, MEDIA_REASONS } from '../../media/errors.js';
import { SIZE_NAMES, type ThumbnailSize } from '../../media/thumbnails.js';
import { fileVisibleTo } from '../access.js';
import type { DomainDeps } from '../context.js';
import { notFound, unauthenticated } from '../errors.js';
import { isMedia } from '../drive/file-view.js';
import { verifySignedUrl, type SignedParams } from '../drive/urls.js';

/** Makes the three thumbnails of a content, or records on its files that it cannot be decoded. */
async function generate(deps: DomainDeps, sha256: string, mimeType: string): Promise<void> {
  if (SIZE_NAMES.every((s) => deps.thumbs.has(sha256, s))) return;
  let images;
  try {
    images = await deps.renderer.render(deps.blobs.localPath(sha256), mimeType);
  } catch (error) {
    // Only a MediaError's fixed reason reaches the file rows: a decoder's own message names server paths.
    const reason = error instanceof MediaError ? error.reason : MEDIA_REASONS.unknown;
    deps.thumbnailQueue.countFailure('undecodable');
    await deps.store.write((repos) => repos.files.setMediaError(sha256, reason));
    images = await deps.renderer.placeholder();
  }
  for (const size of SIZE_NAMES) await deps.thumbs.write(sha256, size, images[size]);
}

/** Queues the thumbnails of newly stored media (never on the request path). */
export function scheduleThumbnails(deps: DomainDeps, sha256: string, mimeType: string, fileType: string): void {
  if (isMedia(fileType)) void deps.thumbnailQueue.push(sha256, () => generate(deps, sha256, mimeType));
}

export function createThumbnailService(deps: DomainDeps) {
  const { store, now, signer, thumbs } = deps;
  return {
    /**
     * A thumbnail for a signed URL or an authenticated caller; a missing one is made now, before the
     * queue's background work (joining it if it is already queued or under way). Undecodable media
     * get the placeholder.
     */
    async open(fileId: string, size: ThumbnailSize, who: { signed: SignedParams } | { userId: string }): Promise<{ stream: Readable; sha256: string }> {
      let userId: string | undefined;
      if ('signed' in who) userId = verifySignedUrl(signer, 'thumbnail', fileId, who.signed, now());
      else userId = who.userId;
      if (userId === undefined) throw unauthenticated();
      const file = await fileVisibleTo(store.read, userId, fileId);
      if (file.recycled !== 0 || file.sha256 === null || !isMedia(file.file_type)) throw notFound();
      const sha256 = file.sha256;
      // Someone is looking: ahead of the uploads' backlog (an import can queue hours of it).
      // Askers take turns: one person asking for hundreds does not hold up another's one.
      if (!thumbs.has(sha256, size)) await deps.thumbnailQueue.push(sha256, () => generate(deps, sha256, file.mime_type), { urgent: { for: userId } });
      if (!thumbs.has(sha256, size)) throw notFound();
      return { stream: thumbs.read(sha256, size), sha256 };
    },
    /**
     * Work waiting and running, and failures by reason: `error` (nothing was made; it is made again
     * when asked for) and `undecodable` (the placeholder was stored).
     */
    stats: () => deps.thumbnailQueue.stats(),
    /** Resolves once the background queue is empty (tests and benchmarks). */
    idle: () => deps.thumbnailQueue.idle(),
    /** Drops queued thumbnails (made again on demand) and waits for the ones being made. */
    stop: () => deps.thumbnailQueue.stop(),
  };
}
