import { spawn, spawnSync } from 'node:child_process';
import sharp, { type Sharp } from 'sharp';
import type { HeicDecoder } from './heic-pool.js';
import { PIXEL_LIMIT } from './probe.js';
import { FileType, fileTypeOf } from './types.js';

export const THUMBNAIL_SIZES = { s: 256, m: 720, l: 1440 } as const;
export type ThumbnailSize = keyof typeof THUMBNAIL_SIZES;
export const SIZE_NAMES = Object.keys(THUMBNAIL_SIZES) as ThumbnailSize[];

const HEIF = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

export interface Renderer {
  /** The three sizes of a stored file; throws when the content cannot be decoded. */
  render(path: string, mimeType: string): Promise<Record<ThumbnailSize, Buffer>>;
  /** The neutral image shown for media that cannot be decoded. */
  placeholder(): Promise<Record<ThumbnailSize, Buffer>>;
  close(): Promise<void>;
}

let found: string | null | undefined;

/** Debian's ffmpeg when installed (looked for once per process): video thumbnails are then real frames. */
export function findFfmpeg(): string | undefined {
  if (found === undefined) found = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore', timeout: 5000 }).status === 0 ? 'ffmpeg' : null;
  return found ?? undefined;
}

function frameWithFfmpeg(ffmpeg: string, file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-v', 'error', '-ss', '1', '-i', file, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && chunks.length > 0 ? resolve(Buffer.concat(chunks)) : reject(new Error('ffmpeg could not read a frame'))));
  });
}

/** A neutral frame with a play mark, for videos when no ffmpeg is installed. */
const PLACEHOLDER_SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="1440" height="1080"><rect width="100%" height="100%" fill="#3a3f44"/>' +
    '<circle cx="720" cy="540" r="150" fill="#ffffff" fill-opacity="0.85"/><path d="M675 460 L675 620 L810 540 Z" fill="#3a3f44"/></svg>',
);

async function sizes(input: Sharp): Promise<Record<ThumbnailSize, Buffer>> {
  const out = {} as Record<ThumbnailSize, Buffer>;
  for (const name of SIZE_NAMES) {
    const edge = THUMBNAIL_SIZES[name];
    out[name] = await input
      .clone()
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80, mozjpeg: false })
      .toBuffer();
  }
  return out;
}

export function createRenderer(heic: HeicDecoder, ffmpeg: string | undefined): Renderer {
  return {
    async render(path, mimeType) {
      const type = fileTypeOf(mimeType);
      if (type === FileType.Video) {
        const frame = ffmpeg ? await frameWithFfmpeg(ffmpeg, path).catch(() => PLACEHOLDER_SVG) : PLACEHOLDER_SVG;
        return sizes(sharp(frame, { limitInputPixels: PIXEL_LIMIT }));
      }
      if (HEIF.has(mimeType)) {
        const meta = await sharp(path, { limitInputPixels: PIXEL_LIMIT }).metadata();
        if ((meta.width ?? 0) * (meta.height ?? 0) > PIXEL_LIMIT) throw new Error('image exceeds the pixel limit');
        const raw = await heic.decode(path);
        return sizes(sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 }, limitInputPixels: PIXEL_LIMIT }));
      }
      // failOn 'warning': a truncated or damaged image is an error, not a half-grey thumbnail.
      const image = sharp(path, { limitInputPixels: PIXEL_LIMIT, failOn: 'warning', pages: 1 }).rotate();
      return sizes(image);
    },
    placeholder: () => sizes(sharp(PLACEHOLDER_SVG)),
    close: () => heic.close(),
  };
}
