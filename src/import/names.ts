/**
 * Local names as albumd accepts them (decisions.md: 1–250 code points, none of < > | : " * ? / \,
 * no control characters, not . or ..), and album names (1–20 code points). The mapping is a pure
 * function of the names in one folder, so a rerun arrives at the same server names.
 */

const FORBIDDEN = /[<>|:"*?/\\\p{Cc}]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAX_NAME = 250;
export const MAX_ALBUM_NAME = 20;

const codePoints = (s: string): string[] => Array.from(s);

function splitName(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/** A name albumd takes for `local`: forbidden characters become `_`, an over-long stem is cut. */
export function serverName(local: string): string {
  let name = local.normalize('NFC').replace(LONE_SURROGATE, '_').replace(FORBIDDEN, '_');
  if (name.trim() === '' || name === '.' || name === '..') name = name.replace(/./gu, '_') || '_';
  if (codePoints(name).length > MAX_NAME) {
    const [stem, ext] = splitName(name);
    const room = MAX_NAME - codePoints(ext).length;
    name = room >= 1 ? codePoints(stem).slice(0, room).join('') + ext : codePoints(name).slice(0, MAX_NAME).join('');
  }
  return name;
}

/** `a.jpg` → `a (n).jpg`, as albumd names a copy (within 250 code points). */
export function numberedName(name: string, n: number): string {
  const suffix = ` (${n})`;
  const [stem, ext] = splitName(name);
  const room = MAX_NAME - suffix.length - codePoints(ext).length;
  return room >= 1 ? `${codePoints(stem).slice(0, room).join('')}${suffix}${ext}` : `${codePoints(name).slice(0, MAX_NAME - suffix.length).join('')}${suffix}`;
}

/** Whether `candidate` is `name` or one of albumd's automatic names for it (`name (3).jpg`). */
export function isNameOrCopy(candidate: string, name: string): boolean {
  if (candidate === name) return true;
  const [stem, ext] = splitName(name);
  if (!candidate.endsWith(ext)) return false;
  const m = /^(.*) \((\d+)\)$/su.exec(candidate.slice(0, candidate.length - ext.length));
  return m !== null && stem.startsWith(m[1]!) && m[1]!.length > 0;
}

/**
 * Server names for the entries of one folder, given in a fixed order: each sanitised, and a name
 * two local entries would share (`a:b.jpg` and `a_b.jpg` both give `a_b.jpg`) made unique the way
 * albumd would (`a_b (1).jpg`), first come first served.
 */
export function serverNames(locals: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  // Names that need no change keep them: they are claimed first.
  for (const local of locals) {
    const name = serverName(local);
    if (name === local && !taken.has(name)) {
      out.set(local, name);
      taken.add(name);
    }
  }
  for (const local of locals) {
    if (out.has(local)) continue;
    let name = serverName(local);
    for (let n = 1; taken.has(name); n++) name = numberedName(serverName(local), n);
    out.set(local, name);
    taken.add(name);
  }
  return out;
}

/** An album name of at most 20 code points: `base` cut to leave room for `suffix`. */
export function albumName(base: string, suffix = ''): string {
  const clean = serverName(base).trim() || 'Import';
  const room = MAX_ALBUM_NAME - codePoints(suffix).length;
  return `${codePoints(clean).slice(0, Math.max(1, room)).join('').trimEnd()}${suffix}`;
}
