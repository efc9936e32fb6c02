import type { FastifyInstance } from 'fastify';

/**
 * Stored bytes are served from the API's own origin, so a file uploaded as HTML, SVG or XML with a
 * script must never run there. Every byte response (routes marked `media`: downloads, thumbnails)
 * gets nosniff (the browser keeps our Content-Type), a CSP that forbids everything and sandboxes
 * the document even when opened directly, and `attachment` unless the type is passive media a
 * gallery shows inline.
 */

export const SANDBOX_CSP = "default-src 'none'; sandbox";

/**
 * Passive formats only: raster images, video, audio — none can carry script. SVG is an XML document
 * that can, so it is an attachment. HEIC/HEIF and TIFF stay inline: they are as passive as JPEG,
 * Safari shows them, and other browsers download them anyway, so attachment would gain nothing.
 */
const INLINE_TYPES = new Set([
  'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/tiff', 'image/heic', 'image/heif',
  'video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska', 'video/x-msvideo', 'video/ogg', 'video/mpeg',
  'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/wav', 'audio/x-wav', 'audio/flac', 'audio/x-flac', 'audio/webm', 'audio/opus',
]);

const essence = (mime: string): string => (mime.split(';')[0] ?? '').trim().toLowerCase();

export const isInline = (mime: string): boolean => INLINE_TYPES.has(essence(mime));

/** A lone surrogate cannot be encoded as UTF-8 (encodeURIComponent throws): U+FFFD instead. */
const wellFormed = (s: string): string => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** RFC 8187 (ex 5987) value: percent-encode all but attr-char (encodeURIComponent leaves ' ( ) * too). */
const extValue = (name: string): string =>
  encodeURIComponent(wellFormed(name)).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The quoted ASCII fallback for old clients: printable ASCII but `"`, `\` and `%` (some decode it). */
const asciiFallback = (name: string): string => name.replace(/[^\x20-\x7e]|["\\%]/gu, '_');

/** `inline` or `attachment` by type, with both filename forms; safe for any name (CR, LF, quotes, emoji). */
export function contentDisposition(name: string | undefined, mime: string): string {
  const kind = isInline(mime) ? 'inline' : 'attachment';
  if (name === undefined || name === '') return kind;
  return `${kind}; filename="${asciiFallback(name)}"; filename*=UTF-8''${extValue(name)}`;
}

/** The file name of a Content-Disposition a handler set (its `filename*`), if any. */
function nameIn(header: unknown): string | undefined {
  const ext = typeof header === 'string' ? /filename\*=UTF-8''([^;\s]*)/i.exec(header)?.[1] : undefined;
  if (ext === undefined) return undefined;
  try {
    return decodeURIComponent(ext);
  } catch {
    return undefined;
  }
}

/** nosniff on every answer; on byte responses also the sandbox CSP and the disposition by type. */
export function registerByteHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!req.routeOptions.config?.media) return payload;
    reply.header('content-security-policy', SANDBOX_CSP);
    const type = String(reply.getHeader('content-type') ?? 'application/octet-stream');
    // Failures and the JSON envelope of part uploads are not stored bytes.
    if (reply.statusCode >= 300 || essence(type) === 'application/json') return payload;
    reply.header('content-disposition', contentDisposition(nameIn(reply.getHeader('content-disposition')), type));
    return payload;
  });
}
