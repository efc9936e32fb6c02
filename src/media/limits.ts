import fsp from 'node:fs/promises';
import type { Metadata } from 'sharp';
import { MEDIA_REASONS, MediaError } from './errors.js';

/**
 * How much memory decoding one image may take. Every accepted image is checked against this from
 * its header alone, before a pixel is decoded, so one upload cannot take the server's memory.
 * The per-pixel costs below were measured (peak RSS over idle, sharp 0.35 / libvips 8.18,
 * libheif-js 1.23) and rounded up; `npm run bench -- thumbs` measures the worst cases again.
 */

/** No image beyond 16383² (sharp's own default) is decoded at all; 200-MP camera JPEGs fit. */
export const PIXEL_LIMIT = 268_402_689;

/**
 * The most one decode may hold above the idle process. 448 MiB lets a 48-MP iPhone HEIF (decoded
 * whole by libheif) through with room; every other accepted image costs less than that.
 */
export const DECODE_BUDGET = 448 * 2 ** 20;

/** libvips' own buffers and thread state around any decode. */
const FIXED = 48 * 2 ** 20;
/**
 * Decoders that stream (baseline JPEG, non-interlaced PNG, lossy WebP) keep about this many input
 * lines in flight while shrinking: only very wide, deep images come near the budget.
 */
const STREAM_LINES = 1280;

/** Per-pixel cost of the decoders that must hold a whole image. */
const GIF_BYTES_PER_PIXEL = 5; // nsgif's RGBA canvas plus libvips' copy of the frame
const AVIF_BYTES_PER_PIXEL = 20; // libaom's frame pool (8-bit; twice that above 8 bits)
const WEBP_BYTES_PER_PIXEL = { lossy: 0.25, lossyAlpha: 1.5, lossless: 8 } as const; // lossy WebP shrinks on load
/** HEIF in the worker: the worker itself, then YCbCr planes, HEVC frame buffers and interleaved RGB. */
const HEIC_FIXED = 96 * 2 ** 20;
const HEIC_BYTES_PER_PIXEL = 6;
const HEIC_FILE_COPIES = 3; // the file as read, and libheif's two copies inside WebAssembly

/** JPEG components per pixel by chroma subsampling (progressive JPEG keeps 2 bytes per sample). */
const JPEG_SAMPLES: Record<string, number> = { '4:4:4': 3, '4:2:2': 2, '4:4:0': 2, '4:2:0': 1.5, '4:1:1': 1.5, '4:4:4:4': 4, '4:2:0:4': 3 };

const HEIF_MIMES = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

/** True for HEIC/HEIF by type (their decoding errors read differently). */
export function isHeif(mimeType: string): boolean {
  return HEIF_MIMES.has(mimeType);
}

/** True for the files libheif-js decodes in the worker: HEIF with HEVC. AV1 inside HEIF is AVIF to sharp. */
export function heifInWorker(mimeType: string, meta: Metadata): boolean {
  return isHeif(mimeType) && meta.compression !== 'av1';
}

function bytesPerSample(meta: Metadata): number {
  if (meta.depth === 'ushort' || meta.depth === 'short') return 2;
  if (meta.depth === 'float' || meta.depth === 'uint' || meta.depth === 'int') return 4;
  if (meta.depth === 'double' || meta.depth === 'complex') return 8;
  return 1;
}

/** What a WebP's image chunk says: lossy (VP8), lossy with an alpha plane, or lossless/animated. */
async function webpKind(file: string): Promise<keyof typeof WEBP_BYTES_PER_PIXEL> {
  const handle = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    let offset = 12; // after "RIFF" <size> "WEBP"
    let alpha = false;
    // A few chunks at most (VP8X, ICCP, ALPH/ANIM) come before the image data.
    for (let i = 0; i < 8; i++) {
      const { bytesRead } = await handle.read(head, 0, 8, offset);
      if (bytesRead < 8) break;
      const fourcc = head.toString('latin1', 0, 4);
      if (fourcc === 'VP8 ') return alpha ? 'lossyAlpha' : 'lossy';
      if (fourcc === 'VP8L' || fourcc === 'ANIM' || fourcc === 'ANMF') return 'lossless';
      if (fourcc === 'ALPH') alpha = true;
      offset += 8 + head.readUInt32LE(4) + (head.readUInt32LE(4) & 1);
    }
    return 'lossless';
  } finally {
    await handle.close();
  }
}

/**
 * The memory (bytes) decoding this image down to a thumbnail would take, from its header. Throws
 * `MediaError` "image exceeds the pixel limit" when it is over PIXEL_LIMIT or DECODE_BUDGET.
 */
export async function decodeCost(file: string, mimeType: string, meta: Metadata): Promise<number> {
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const pixels = width * height;
  if (pixels <= 0) throw new MediaError(MEDIA_REASONS.corrupt);
  if (pixels > PIXEL_LIMIT) throw new MediaError(MEDIA_REASONS.tooLarge);
  const channels = meta.channels ?? 4;
  const pixelBytes = channels * bytesPerSample(meta);
  const streaming = STREAM_LINES * width * pixelBytes;
  let cost: number;
  if (heifInWorker(mimeType, meta)) {
    const { size } = await fsp.stat(file);
    cost = HEIC_FIXED + pixels * (HEIC_BYTES_PER_PIXEL + (meta.hasAlpha ? 1 : 0)) + HEIC_FILE_COPIES * size;
  } else if (meta.format === 'jpeg') {
    // Progressive JPEG keeps every DCT coefficient until the last scan; baseline streams.
    cost = FIXED + (meta.isProgressive ? pixels * 2 * (JPEG_SAMPLES[meta.chromaSubsampling ?? ''] ?? channels) : streaming);
  } else if (meta.format === 'png') {
    // Adam7 interlacing needs the whole image before the first full line exists.
    cost = FIXED + (meta.isProgressive ? pixels * 1.25 * pixelBytes : streaming);
  } else if (meta.format === 'gif') {
    cost = FIXED + pixels * GIF_BYTES_PER_PIXEL;
  } else if (meta.format === 'webp') {
    cost = FIXED + pixels * WEBP_BYTES_PER_PIXEL[await webpKind(file)];
  } else if (meta.format === 'heif') {
    cost = FIXED + pixels * AVIF_BYTES_PER_PIXEL * ((meta.bitsPerSample ?? 8) > 8 ? 2 : 1);
  } else {
    // TIFF and anything else: tiles or strips of any height may have to be held, so count it whole.
    cost = FIXED + pixels * 1.5 * pixelBytes;
  }
  if (cost > DECODE_BUDGET) throw new MediaError(MEDIA_REASONS.tooLarge);
  return cost;
}
