import type { IntegrityRepository } from '../../db/repositories/integrity.js';
import type { Findings } from './findings.js';

/**
 * Blob reference counts, space usage and uploads, as the rows say they must be:
 * - blobs.ref_count = the files rows with that sha256 (any space, recycled or not), blobs.size =
 *   their size, unreferenced_since set exactly when none uses it (the sweep's clock);
 * - containers.used_bytes = the sizes of the files with content in it, recycled included (ingest
 *   adds, a permanent delete subtracts, a move between spaces carries; recycling changes nothing);
 * - upload parts belong to an upload; an upload past its expiry is a warning (the hourly expiry
 *   removes it).
 */
export async function checkContent(repo: IntegrityRepository, found: Findings, now: number): Promise<{ rowless: string[]; fileSizes: Map<string, number> }> {
  const ask = found.limit + 1;
  const num = (v: unknown): number => Number(v ?? 0);
  const fileSizes = new Map<string, number>();

  for (const r of found.rows('blob-ref-count', await repo.blobCounts(ask))) {
    const uses = num(r.n);
    const related = r.example ? [String(r.example)] : undefined;
    if (uses !== num(r.ref_count)) {
      found.add({ check: 'blob-ref-count', subject: 'blob', id: r.sha256, message: `ref_count ${num(r.ref_count)}, but ${uses} file(s) use it`, related, repairable: true });
    }
    if (r.n !== null && (num(r.min_size) !== num(r.size) || num(r.max_size) !== num(r.size))) {
      if (num(r.min_size) === num(r.max_size)) {
        found.add({ check: 'blob-size', subject: 'blob', id: r.sha256, message: `size ${num(r.size)}, its files say ${num(r.min_size)}`, related, repairable: true });
        fileSizes.set(r.sha256, num(r.min_size));
      } else {
        found.add({ check: 'blob-size-conflict', subject: 'blob', id: r.sha256, message: `the files using it disagree on its size (${num(r.min_size)} to ${num(r.max_size)})`, related });
      }
    }
    if (uses === 0 && r.unreferenced_since === null) {
      found.add({ check: 'blob-unreferenced-mark', subject: 'blob', id: r.sha256, message: 'no file uses it, yet unreferenced_since is not set (no sweep would ever remove it)', repairable: true });
    } else if (uses > 0 && r.unreferenced_since !== null) {
      found.add({ check: 'blob-unreferenced-mark', subject: 'blob', id: r.sha256, message: `${uses} file(s) use it, yet unreferenced_since is set`, related, repairable: true });
    }
  }

  const rowless = found.rows('blob-row-missing', await repo.contentWithoutRow(ask));
  for (const r of rowless) {
    found.add({
      check: 'blob-row-missing',
      subject: 'blob',
      id: r.sha256!,
      message: `${num(r.n)} file(s) use this content, which has no blobs row (a sweep would take it for an orphan)`,
      related: [String(r.example)],
      repairable: true,
    });
  }

  for (const r of found.rows('space-used-bytes', await repo.spaceUsage(ask))) {
    found.add({ check: 'space-used-bytes', subject: 'space', id: r.id, message: `used_bytes ${num(r.used_bytes)}, its files hold ${num(r.actual)}`, repairable: true });
  }
  for (const r of found.rows('space-missing', await repo.filesOfMissingSpaces(ask))) {
    found.add({ check: 'space-missing', subject: 'space', id: r.container_id, message: `${num(r.n)} file(s) are in this space, which does not exist`, related: [String(r.example)] });
  }

  for (const r of found.rows('upload-part-orphan-row', await repo.partsWithoutUpload(ask))) {
    found.add({ check: 'upload-part-orphan-row', subject: 'upload', id: r.upload_id, message: `${num(r.n)} part row(s) of an upload that does not exist` });
  }
  for (const r of found.rows('upload-expired', await repo.expiredUploads(now, ask))) {
    found.add({
      check: 'upload-expired',
      severity: 'warning',
      subject: 'upload',
      id: r.id,
      message: `expired ${new Date(num(r.expires_at)).toISOString()} and not cleaned up yet (file ${r.file_id})`,
    });
  }
  return { rowless: rowless.map((r) => r.sha256!), fileSizes };
}
