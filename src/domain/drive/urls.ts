import type { Signer } from '../auth/signing.js';

export const URL_TTL_MS = 3600_000;
const V1 = '/koodrive/ose/v1';

export type UrlKind = 'content' | 'thumbnail' | 'part';

export interface SignedParams {
  uid?: string;
  exp?: string;
  sig?: string;
  /** Thumbnail size, or for a part `<uploadId>:<partNumber>`: signed with the rest. */
  size?: string;
  part?: string;
}

const EXTRA_PARAM: Record<UrlKind, 'size' | 'part'> = { content: 'size', thumbnail: 'size', part: 'part' };
// A thumbnail URL may ask for any size of the same file; a part URL is for that one part.
const EXTRA_SIGNED: Record<UrlKind, boolean> = { content: true, thumbnail: false, part: true };

const message = (kind: UrlKind, fileId: string, userId: string, exp: string, size: string): string =>
  `${kind}\n${fileId}\n${userId}\n${exp}\n${size}`;

/** A URL bound to the file, the user it is issued to and an expiry; its signature is the credential. */
export function signedUrl(signer: Signer, origin: string, kind: UrlKind, fileId: string, userId: string, now: number, size = ''): string {
  // Whole minutes keep a file's URL stable for a while, so clients can cache what it fetches.
  const exp = String(Math.ceil((now + URL_TTL_MS) / 60_000) * 60_000);
  const sig = signer.sign(message(kind, fileId, userId, exp, EXTRA_SIGNED[kind] ? size : ''));
  // Every part is URL-safe already (digits, base64url, s|m|l, uploadId:n): no encoder needed on this hot path.
  const extra = size ? `${EXTRA_PARAM[kind]}=${encodeURIComponent(size)}&` : '';
  return `${origin}${V1}/files/${fileId}/${kind}?${extra}uid=${userId}&exp=${exp}&sig=${sig}`;
}

/** The user a signed URL was issued to, or undefined when the signature is wrong or expired. */
export function verifySignedUrl(signer: Signer, kind: UrlKind, fileId: string, q: SignedParams, now: number): string | undefined {
  if (!q.uid || !q.exp || !q.sig || !/^\d{1,15}$/.test(q.exp)) return undefined;
  if (Number(q.exp) <= now) return undefined;
  const extra = EXTRA_SIGNED[kind] ? (q[EXTRA_PARAM[kind]] ?? '') : '';
  return signer.verify(message(kind, fileId, q.uid, q.exp, extra), q.sig) ? q.uid : undefined;
}
