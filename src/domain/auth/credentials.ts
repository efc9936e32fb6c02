import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Pure helpers for the credentials of decisions.md §3: token forms, hashes, passwords, phones, X-Date. */

const TOKEN_HEX = /^[0-9a-f]{64}$/;
// A scheme (Bearer or AT, then a space or a literal +), then the bare hex or the whole "AT <hex>".
const AUTHORIZATION = /^(?:bearer|at)[ +](?:AT[ +])?([0-9a-f]{64})$/i;

/** The 64-hex token of an Authorization header, or undefined when the header has no accepted form. */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = AUTHORIZATION.exec(header.trim());
  // The regex is case-insensitive for the scheme only; the token itself must be lowercase hex.
  return m && TOKEN_HEX.test(m[1]!) ? m[1] : undefined;
}

/** Accepts a token as returned ("AT <hex>") or bare. */
export function tokenFromValue(value: string): string | undefined {
  const bare = value.trim().replace(/^AT[ +]/, '');
  return TOKEN_HEX.test(bare) ? bare : undefined;
}

export function hashToken(hex: string): string {
  return createHash('sha256').update(hex).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

function scryptAsync(password: string, salt: Buffer, params = SCRYPT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, params.keylen, { N: params.N, r: params.r, p: params.p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Verifies against a stored hash; with no hash it still spends the same time (no account probing). */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parts = (stored ?? DUMMY_HASH).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keylen: expected.length,
  });
  return stored !== undefined && timingSafeEqual(key, expected);
}

/** `users.status`: KooDrive's user status (`PUT /users/{userId}`), 0 enabled, 7 frozen. */
export const UserStatus = { Enabled: 0, Disabled: 7 } as const;

export const MIN_PASSWORD_LENGTH = 8;

/** The rule of a new password (`user add`, `user passwd`): the broken rule, or undefined when it is fine. */
export function passwordProblem(password: string): { en: string; zh: string } | undefined {
  return password.length < MIN_PASSWORD_LENGTH ? { en: `must be at least ${MIN_PASSWORD_LENGTH} characters`, zh: `至少 ${MIN_PASSWORD_LENGTH} 个字符` } : undefined;
}

/** Digits only; a leading + becomes 00. Undefined when the result is not 6 to 20 digits. */
export function normalizePhone(raw: string): string | undefined {
  const value = raw.trim();
  const digits = value.startsWith('+') ? `00${value.slice(1)}` : value;
  return /^\d{6,20}$/.test(digits) ? digits : undefined;
}

/** All but the first 7 and last 3 digits become ****. */
export function maskPhone(phone: string): string {
  if (phone.length <= 10) return phone;
  return `${phone.slice(0, 7)}****${phone.slice(-3)}`;
}

const X_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** `YYYYMMDDTHHmmssZ` → epoch ms, undefined when malformed or not a real instant. */
export function parseXDate(value: string | undefined): number | undefined {
  const m = value === undefined ? null : X_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  if (back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  return ms;
}

/** True when X-Date is within 15 minutes in the past and at most `toleranceSeconds` ahead. */
export function xDateAcceptable(value: string | undefined, now: number, toleranceSeconds: number): boolean {
  const at = parseXDate(value);
  if (at === undefined) return false;
  if (now - at > FIFTEEN_MINUTES) return false;
  // X-Date has whole seconds: compare against the current whole second when strict.
  const nowSecond = Math.floor(now / 1000) * 1000;
  return at - nowSecond <= toleranceSeconds * 1000;
}

export function formatXDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export const TRACE_ID_RE = /^[A-Za-z0-9_]{58}$/;
