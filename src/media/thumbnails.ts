import { spawn, spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { MEDIA_REASONS, mediaReason, toMediaError, type MediaDebugLog, type MediaKind } from './errors.js';
import type { HeicDecoder, RawImage } from './heic-pool.js';
import { DECODE_BUDGET, PIXEL_LIMIT, decodeCost, heifInWorker, isHeif } from './limits.js';
import { MemoryGate } from './memory-gate.js';
import { FileType, fileTypeOf } from './types.js';

export const THUMBNAIL_SIZES = { s: 256, m: 720, l: 1440 } as const;
export type ThumbnailSize = keyof typeof THUMBNAIL_SIZES;
export const SIZE_NAMES = Object.keys(THUMBNAIL_SIZES) as ThumbnailSize[];
const LARGEST = THUMBNAIL_SIZES.l;

export interface Renderer {
  /** The three sizes of a stored file; throws a `MediaError` (a client-safe reason) when it cannot be decoded. */
  render(path: string, mimeType: string): Promise<Record<ThumbnailSize, Buffer>>;
  /** The neutral image shown for media that cannot be decoded. */
  placeholder(): Promise<Record<ThumbnailSize, Buffer>>;
  close(): Promise<void>;
}

export interface RendererOptions {
  /** Told the decoder's own message (it may name server paths) when a file cannot be decoded. */
  log?: MediaDebugLog;
  /** Memory the decodes running at once may use together (default DECODE_BUDGET). */
  budget?: number;
}

let found: string | null | undefined;

/** Debian's ffmpeg when installed (looked for once per process): video thumbnails are then real frames. */
export function findFfmpeg(): string | undefined {
  if (found === undefined) found = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore', timeout: 5000 }).status === 0 ? 'ffmpeg' : null;
  return found ?? undefined;
}

/** A frame is scaled by ffmpeg to the largest thumbnail, so it never arrives bigger than that. */
const MAX_FRAME_BYTES = 32 << 20;
const FRAME_SCALE = `scale='min(${LARGEST},iw)':'min(${LARGEST},ih)':force_original_aspect_ratio=decrease`;

function frameWithFfmpeg(ffmpeg: string, file: string, atSecond: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-v', 'error', '-ss', String(atSecond), '-i', file, '-frames:v', '1', '-vf', FRAME_SCALE, '-f', 'image2pipe', '-vcodec', 'png', '-'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > MAX_FRAME_BYTES) child.kill('SIGKILL');
      else chunks.push(c);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && chunks.length > 0 && bytes <= MAX_FRAME_BYTES ? resolve(Buffer.concat(chunks)) : reject(new Error('ffmpeg could not read a frame'))));
  });
}

/** A neutral frame with a play mark, for videos when no ffmpeg is installed. */
const PLACEHOLDER_SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="1440" height="1080"><rect width="100%" height="100%" fill="#3a3f44"/>' +
    '<circle cx="720" cy="540" r="150" fill="#ffffff" fill-opacity="0.85"/><path d="M675 460 L675 620 L810 540 Z" fill="#3a3f44"/></svg>',
);

/**
 * The image decoded once, shrunk on load where the format allows (JPEG, WebP) and streamed
 * otherwise, oriented, in 8-bit sRGB, no larger than the largest thumbnail. The full-size image
 * is never held (except by the decoders that must, which decodeCost has counted).
 */
async function decode(input: string | Buffer, failOn: 'warning' | 'none'): Promise<RawImage> {
  const { data, info } = await sharp(input, { limitInputPixels: PIXEL_LIMIT, failOn, pages: 1, sequentialRead: true })
    .rotate()
    .resize({ width: LARGEST, height: LARGEST, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) throw new Error(`unexpected ${info.channels} channels`);
  return { width: info.width, height: info.height, channels: info.channels, data };
}

/** Every pixel the same: what a decoder that read nothing of the image data fills in. */
function blank(image: RawImage): boolean {
  const { data, channels } = image;
  for (let i = channels; i < data.length; i++) if (data[i] !== data[i % channels]) return false;
  return true;
}

/**
 * A damaged image (a truncated JPEG, say) is shown as browsers show it: what decodes of it, the
 * rest filled in. Only an image of which nothing decodes is an error (and gets the placeholder).
 */
async function shrink(input: string | Buffer): Promise<RawImage> {
  try {
    return await decode(input, 'warning');
  } catch (error) {
    if (mediaReason(error, 'image') !== MEDIA_REASONS.corrupt) throw error;
    const partial = await decode(input, 'none').catch(() => undefined);
    if (!partial || blank(partial)) throw error;
    return partial;
  }
}

/** s, m and l from the one small decoded image: three cheap resizes instead of three decodes. */
async function sizes(image: RawImage): Promise<Record<ThumbnailSize, Buffer>> {
  const out = {} as Record<ThumbnailSize, Buffer>;
  const raw = { width: image.width, height: image.height, channels: image.channels };
  for (const name of SIZE_NAMES) {
    const edge = THUMBNAIL_SIZES[name];
    out[name] = await sharp(image.data, { raw })
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80, mozjpeg: false })
      .toBuffer();
  }
  return out;
}

export function createRenderer(heic: HeicDecoder, ffmpeg: string | undefined, options: RendererOptions = {}): Renderer {
  // sharp's operation cache keeps recent images and open input files for reuse; each file is
  // thumbnailed once, so the cache would only hold memory (and descriptors of deleted blobs).
  sharp.cache(false);
  const gate = new MemoryGate(options.budget ?? DECODE_BUDGET);
  let placeholder: Promise<Record<ThumbnailSize, Buffer>> | undefined;

  /** Checks the header against the limits, then decodes once the memory it needs is free. */
  async function image(path: string, mimeType: string): Promise<RawImage> {
    const meta = await sharp(path, { limitInputPixels: false }).metadata(); // header only: decodeCost judges it
    const release = await gate.acquire(await decodeCost(path, mimeType, meta));
    try {
      // The worker decodes no more pixels than the header that was costed declared.
      return heifInWorker(mimeType, meta) ? await heic.decode(path, LARGEST, (meta.width ?? 0) * (meta.height ?? 0)) : await shrink(path);
    } finally {
      release();
    }
  }

  return {
    async render(path, mimeType) {
      const video = fileTypeOf(mimeType) === FileType.Video;
      const kind: MediaKind = video ? 'video' : isHeif(mimeType) ? 'heic' : 'image';
      try {
        if (video) {
          // A second in, past fades from black; a video shorter than that gets its first frame.
          const frame = ffmpeg
            ? await frameWithFfmpeg(ffmpeg, path, 1)
                .catch(() => frameWithFfmpeg(ffmpeg, path, 0))
                .catch(() => PLACEHOLDER_SVG)
            : PLACEHOLDER_SVG;
          return await sizes(await shrink(frame));
        }
        return await sizes(await image(path, mimeType));
      } catch (error) {
        throw toMediaError(error, kind, options.log);
      }
    },
    placeholder() {
      placeholder ??= shrink(PLACEHOLDER_SVG).then(sizes);
      return placeholder;
    },
    close: () => heic.close(),
  };
}
