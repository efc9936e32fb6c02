import fsp from 'node:fs/promises';
import exifr from 'exifr';
import { fileTypeFromFile } from 'file-type';
import sharp, { type Metadata } from 'sharp';
import { toMediaError, type MediaDebugLog } from './errors.js';
import { decodeCost, isHeif, PIXEL_LIMIT } from './limits.js';
import { FileType, ISO_BMFF, fileTypeOf } from './types.js';
import { readIsoBmff } from './video-meta.js';
import { readWithFfprobe } from './ffprobe.js';
import { xmpTakeTime } from './xmp-time.js';

export interface MediaInfo {
  mimeType: string;
  fileType: string;
  width: number | null;
  height: number | null;
  duration: number | null;
  /** Shooting time (EXIF) or the container's creation time; null when the content has none. */
  takeTime: number | null;
  /** Set when the bytes claim a media type but cannot be read: one of MEDIA_REASONS, never a decoder's message. */
  mediaError: string | null;
}

/** Guards every decode against decompression bombs (see limits.ts). */
export { PIXEL_LIMIT };

const EXIF_TIME = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** EXIF DateTimeOriginal with OffsetTimeOriginal; without an offset the time is taken as UTC. */
export function exifTime(dateTime: unknown, offset: unknown): number | null {
  if (typeof dateTime !== 'string') return null;
  const m = EXIF_TIME.exec(dateTime.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s, m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0);
  const o = typeof offset === 'string' ? OFFSET.exec(offset.trim()) : null;
  if (o) ms -= (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3])) * 60_000;
  return Number.isFinite(ms) ? ms : null;
}

async function looksLikeText(file: string): Promise<boolean> {
  const handle = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (bytesRead === 0 || head.includes(0)) return false;
    try {
      // A multi-byte character cut at the end of the sample is still text.
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, bytesRead - 3)));
      return true;
    } catch {
      return false;
    }
  } finally {
    await handle.close();
  }
}

async function imageMeta(file: string): Promise<Pick<MediaInfo, 'width' | 'height' | 'takeTime'> & { meta: Metadata }> {
  // Header only; decodeCost applies the pixel limit itself, so an oversized image keeps its size.
  const meta = await sharp(file, { limitInputPixels: false }).metadata();
  let width = meta.width ?? null;
  let height = meta.height ?? null;
  if (meta.orientation !== undefined && meta.orientation >= 5 && width !== null && height !== null) [width, height] = [height, width];
  let tags: Record<string, unknown> | undefined;
  if (meta.exif) {
    // sharp hands over the raw EXIF block for every container (JPEG, HEIF, WebP…), which exifr reads
    // even where it cannot parse the container itself.
    const tiff = meta.exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? meta.exif.subarray(6) : meta.exif;
    tags = (await exifr.parse(tiff, { pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTime'], reviveValues: false }).catch(() => undefined)) as
      | Record<string, unknown>
      | undefined;
  }
  // decisions.md §6: EXIF DateTimeOriginal, then XMP's (edited photos), then EXIF CreateDate.
  const takeTime =
    exifTime(tags?.DateTimeOriginal, tags?.OffsetTimeOriginal) ?? xmpTakeTime(meta.xmp) ?? exifTime(tags?.CreateDate, tags?.OffsetTime);
  return { width, height, takeTime, meta };
}

export interface ProbeOptions {
  /** ffprobe, when installed: videos in containers mp4box does not read (WebM, MKV, AVI). */
  ffprobe?: string | undefined;
  /** Told the decoder's own message (it may name server paths) when a file cannot be read. */
  log?: MediaDebugLog;
}

/** What a stored file is, read from its bytes: type, size in pixels, duration, shooting time. */
export function createProber(options: ProbeOptions = {}): (file: string) => Promise<MediaInfo> {
  return (file) => probe(file, options);
}

export async function probe(file: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const detected = await fileTypeFromFile(file).catch(() => undefined);
  const mimeType = detected?.mime ?? ((await looksLikeText(file)) ? 'text/plain' : 'application/octet-stream');
  const info: MediaInfo = { mimeType, fileType: fileTypeOf(mimeType), width: null, height: null, duration: null, takeTime: null, mediaError: null };
  try {
    if (info.fileType === FileType.Image) {
      const { meta, ...fields } = await imageMeta(file);
      Object.assign(info, fields);
      // An image its thumbnailer would refuse says so from the upload on, with its size still known.
      await decodeCost(file, mimeType, meta);
    } else if (info.fileType === FileType.Video) {
      const video = ISO_BMFF.has(mimeType)
        ? await readIsoBmff(file).catch((error: unknown) => (options.ffprobe ? readWithFfprobe(options.ffprobe, file) : Promise.reject(error)))
        : options.ffprobe
          ? await readWithFfprobe(options.ffprobe, file)
          : undefined;
      if (video) Object.assign(info, { width: video.width, height: video.height, duration: video.duration, takeTime: video.createdAt });
    }
  } catch (error) {
    const kind = info.fileType === FileType.Video ? 'video' : isHeif(mimeType) ? 'heic' : 'image';
    info.mediaError = toMediaError(error, kind, options.log).reason;
  }
  return info;
}
