/**
 * The reasons a file's `mediaError` may give. Decoders (libvips, libheif, mp4box, ffprobe) put
 * server paths, temporary names and internals in their messages; none of that may reach a file row
 * or a client, so every failure is mapped here, and only here, to one of these short phrases.
 */
export const MEDIA_REASONS = {
  corrupt: 'corrupt or truncated image',
  unsupported: 'unsupported image format',
  heicVariant: 'unsupported HEIC variant',
  tooLarge: 'image exceeds the pixel limit',
  timeout: 'image decoding timed out',
  video: 'unreadable video container',
  unknown: 'unreadable media',
} as const;

export type MediaReason = (typeof MEDIA_REASONS)[keyof typeof MEDIA_REASONS];

/** A decoding failure with its client-safe reason; `cause` keeps the decoder's own words for the server log. */
export class MediaError extends Error {
  constructor(
    readonly reason: MediaReason,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'MediaError';
  }
}

/** Which decoder was at work: the same words mean different things to each. */
export type MediaKind = 'image' | 'heic' | 'video';

/** Receives the decoder's original message (which may name paths) for a debug log on the server. */
export type MediaDebugLog = (event: { reason: MediaReason; kind: MediaKind; detail: string }) => void;

const TOO_LARGE = /pixel limit|too large|exceeds|security limit|out of memory|memory allocation/i;
const UNSUPPORTED_FORMAT = /unsupported image format|no loader|not a known file format/i;
const HEIC_UNSUPPORTED = /unsupport|no matching decoder|not supported|unknown (?:codec|brand)/i;
const TIMEOUT = /timed out/i;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'non-error thrown';
}

/** The client-safe reason for any failure thrown while reading media of `kind`. */
export function mediaReason(error: unknown, kind: MediaKind): MediaReason {
  if (error instanceof MediaError) return error.reason;
  const message = messageOf(error);
  if (kind === 'video') return MEDIA_REASONS.video;
  if (TIMEOUT.test(message)) return MEDIA_REASONS.timeout;
  if (TOO_LARGE.test(message)) return MEDIA_REASONS.tooLarge;
  if (kind === 'heic') return HEIC_UNSUPPORTED.test(message) ? MEDIA_REASONS.heicVariant : MEDIA_REASONS.corrupt;
  if (UNSUPPORTED_FORMAT.test(message)) return MEDIA_REASONS.unsupported;
  return MEDIA_REASONS.corrupt;
}

/** Wraps any failure as a MediaError, telling the server log (if any) what the decoder said. */
export function toMediaError(error: unknown, kind: MediaKind, log?: MediaDebugLog): MediaError {
  const reason = mediaReason(error, kind);
  if (log) {
    const inner = error instanceof MediaError && error.cause !== undefined ? error.cause : error;
    log({ reason, kind, detail: messageOf(inner) });
  }
  return error instanceof MediaError ? error : new MediaError(reason, { cause: error });
}
