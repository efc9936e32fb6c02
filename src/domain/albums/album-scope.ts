import type { Repositories } from '../../db/repositories/index.js';
import { inRecycleBin, invalidParam, notFound, rules } from '../errors.js';
import { folderInSpace, type Space } from '../drive/spaces.js';

export const MAX_SCOPE_DIRS = 30;
export const SCOPE_DIR_RULE = { en: 'must list 1 to 30 distinct folder IDs', zh: '须为 1 到 30 个不重复的文件夹 ID' };
const KIND_RULE = rules.oneOf(['1', '2', '1,2']);

const blank = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Present means given with a value: clients send "", null or [] for "none". */
export const given = <T>(v: T | null | undefined | ''): v is T => !blank(v);

/** `"1"`, `"2"`, `"1,2"`, `"2,1"`, `1`, `2`, `[1,2]` → the canonical `"1"`, `"2"` or `"1,2"`. */
export function normalizeScopeKind(field: string, value: unknown): string {
  const parts =
    typeof value === 'string' ? value.split(',').map((s) => s.trim())
    : typeof value === 'number' ? [String(value)]
    : Array.isArray(value) ? value.map((v) => String(v).trim())
    : [];
  const set = new Set(parts);
  if (parts.length === 0 || parts.length > 2 || set.size !== parts.length || ![...set].every((p) => p === '1' || p === '2')) {
    throw invalidParam(field, KIND_RULE);
  }
  return set.size === 2 ? '1,2' : [...set][0]!;
}

/** 1–30 distinct IDs (shape only). */
export function checkScopeDirShape(field: string, dirs: readonly string[]): void {
  if (dirs.length < 1 || dirs.length > MAX_SCOPE_DIRS || new Set(dirs).size !== dirs.length) {
    throw invalidParam(field, SCOPE_DIR_RULE);
  }
}

/**
 * The scope of a collection album: a parent folder of the space and direct child folders of it.
 * Unknown or foreign folders → 13000309; a folder that is not a direct child → 13000102.
 */
export async function checkScope(
  repos: Repositories,
  space: Space,
  parentRef: string,
  dirs: readonly string[],
  dirField: string,
): Promise<void> {
  const rows = await repos.files.findMany(dirs);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of dirs) {
    const row = byId.get(id);
    if (!row || row.container_id !== space.containerId) throw notFound();
  }
  const parent = await folderInSpace(repos, space, parentRef, 'scopeParentFolderId');
  for (const id of dirs) {
    const row = byId.get(id)!;
    if (row.file_type !== '10' || row.parent_id !== parent.id) {
      throw invalidParam(dirField, { en: 'each must be a direct child folder of scopeParentFolderId', zh: '每项须为 scopeParentFolderId 的直接子文件夹' });
    }
    if (row.recycled !== 0) throw inRecycleBin();
  }
}
