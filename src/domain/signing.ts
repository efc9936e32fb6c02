import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC signatures keyed by ALBUMD_SECRET (signed URLs, cursors). The previous secret still
 * verifies, so rotating the secret does not break links and cursors already handed out.
 */
export interface Signer {
  sign(message: string): string;
  verify(message: string, signature: string): boolean;
}

export function createSigner(secret: string, previous?: string): Signer {
  const mac = (key: string, message: string) => createHmac('sha256', key).update(message).digest('base64url');
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    sign: (message) => mac(secret, message),
    verify: (message, signature) =>
      same(mac(secret, message), signature) || (previous !== undefined && same(mac(previous, message), signature)),
  };
}
