import { invalidParam, rules, type AppError } from './errors.js';

const CONTROL = /\p{Cc}/u;
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

/** `a.jpg` → `a (1).jpg`, `a (2).jpg`…: the first name not in `taken`. */
export function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}
