import { invalidParam, rules, type AppError } from '../errors.js';

const CONTROL = /\p{Cc}/u;
/** Half of a surrogate pair alone: not a character, and the database would store something else. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const wellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);
const FORBIDDEN_IN_FILE_NAMES = /[<>|:"*?/\\]/;

export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

function commonNameProblem(field: string, value: string, min: number, max: number): AppError | undefined {
  const length = codePoints(value);
  if (length < min || length > max) return invalidParam(field, rules.length(min, max));
  if (CONTROL.test(value)) return invalidParam(field, { en: 'must not contain control characters', zh: '不得包含控制字符' });
  if (!wellFormed(value)) return invalidParam(field, { en: 'must be valid Unicode text', zh: '须为有效的 Unicode 文本' });
  if (value.trim() === '') return invalidParam(field, { en: 'must not be only white space', zh: '不得只含空白' });
  return undefined;
}

/** Album names: 1–20 code points, no control characters, not only white space. */
export function checkAlbumName(field: string, value: string): void {
  const problem = commonNameProblem(field, value, 1, 20);
  if (problem) throw problem;
}

/** File and folder names: 1–250 code points, none of < > | : " * ? / \, not . or .. */
export function checkFileName(field: string, value: string): void {
  const problem = commonNameProblem(field, value, 1, 250);
  if (problem) throw problem;
  if (FORBIDDEN_IN_FILE_NAMES.test(value)) {
    throw invalidParam(field, { en: 'must not contain < > | : " * ? / \\', zh: '不得包含 < > | : " * ? / \\' });
  }
  if (value === '.' || value === '..') throw invalidParam(field, { en: 'must not be . or ..', zh: '不得为 . 或 ..' });
}

export const MAX_FILE_NAME = 250;

/** The first `n` code points (never half a surrogate pair). */
const firstCodePoints = (s: string, n: number): string => Array.from(s).slice(0, Math.max(0, n)).join('');

/** `a.jpg` → stem `a`, extension `.jpg`; a name of only an extension, or none, is all stem. */
export function splitName(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/**
 * The `n`-th automatic name: `a (n).jpg`, its stem shortened when needed so the whole stays within
 * the 250 code points every name must keep (an extension too long to leave room is cut with it).
 */
export function numberedName(name: string, n: number): string {
  const suffix = ` (${n})`;
  const [stem, ext] = splitName(name);
  const room = MAX_FILE_NAME - codePoints(suffix) - codePoints(ext);
  if (room >= 1) return `${firstCodePoints(stem, room)}${suffix}${ext}`;
  return `${firstCodePoints(name, MAX_FILE_NAME - codePoints(suffix))}${suffix}`;
}

/** What `name` and every automatic name for it start with: the prefix to look for among a folder's names. */
export function numberedPrefix(name: string): string {
  const [stem, ext] = splitName(name);
  // The shortest stem kept is the one beside a 10-digit number; an extension too long for it leaves one code point.
  return firstCodePoints(stem, Math.max(1, MAX_FILE_NAME - ' (9999999999)'.length - codePoints(ext)));
}

/** `a.jpg` → `a (1).jpg`, `a (2).jpg`…: the first name not in `taken`. */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let i = 1; ; i++) {
    const candidate = numberedName(name, i);
    if (!taken.has(candidate)) return candidate;
  }
}
