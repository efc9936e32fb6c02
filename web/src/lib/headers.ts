/** The KooDrive headers every call carries (decisions.md §3), computed per call. */

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYYMMDDTHHmmssZ`, UTC. */
export function xDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

const TRACE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

/** 58 characters of [A-Za-z0-9_]: one per call, so a failure can be found in the server's log. */
export function traceId(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  let out = '';
  for (const b of random(58)) out += TRACE_CHARS[b % TRACE_CHARS.length];
  return out;
}

/** The API's `language`: Chinese messages for a Chinese browser, English otherwise. */
export function apiLanguage(browserLanguage: string): 'zh_cn' | 'en_us' {
  return /^zh\b/i.test(browserLanguage) ? 'zh_cn' : 'en_us';
}

export function kooDriveHeaders(session: { userId: string; accessToken: string }, now: number, language: string): Record<string, string> {
  return {
    authorization: `Bearer+${session.accessToken}`,
    'x-user-id': session.userId,
    'x-date': xDate(now),
    'x-traceid': traceId(),
    language: apiLanguage(language),
  };
}
