import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * HMAC signatures keyed by ALBUMD_SECRET (signed URLs, cursors). The previous secret still
 * verifies, so rotating the secret does not break links and cursors already handed out.
 */
export interface Signer {
  sign(message: string): string;
  verify(message: string, signature: string): boolean;
}

export function createSigner(secret: string, previous?: string): Signer {
  // Key objects made once: a string key is converted on every call, a page signs a hundred URLs.
  const current = createSecretKey(Buffer.from(secret, 'utf8'));
  const old = previous === undefined ? undefined : createSecretKey(Buffer.from(previous, 'utf8'));
  const mac = (key: KeyObject, message: string) => createHmac('sha256', key).update(message).digest('base64url');
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    sign: (message) => mac(current, message),
    verify: (message, signature) => same(mac(current, message), signature) || (old !== undefined && same(mac(old, message), signature)),
  };
}
