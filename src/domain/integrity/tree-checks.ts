import type { IntegrityRepository, IntegrityRules } from '../../db/repositories/integrity.js';
import type { Findings } from './findings.js';

/**
 * The folder trees: every parent exists, is a folder of the same space, and is visible when its
 * child is; each space's root exists, is a folder of the space, and has no parent; nothing else is
 * parentless; every item is reachable from a root (no cycles); recycle marks agree (a recycled
 * item names the recycling that took it, whose root is itself recycled and its own group).
 */
export async function checkTrees(repo: IntegrityRepository, rules: IntegrityRules, found: Findings): Promise<void> {
  const ask = found.limit + 1;
  const orphans = new Set<string>();

  for (const r of found.rows('tree-parent', await repo.parentProblems(rules, ask))) {
    const bin = Number(r.recycled) !== 0 ? ' (in the recycle bin)' : '';
    if (r.parent === null) {
      orphans.add(r.id);
      found.add({ check: 'tree-orphan', subject: 'file', id: r.id, message: `its parent ${r.parent_id} is gone${bin}`, related: [r.parent_id!] });
      continue;
    }
    if (r.parent_type !== rules.folderType) {
      found.add({ check: 'tree-parent-not-folder', subject: 'file', id: r.id, message: `its parent ${r.parent} is no folder (type ${r.parent_type})`, related: [r.parent] });
    }
    if (r.parent_container !== r.container_id) {
      found.add({ check: 'tree-parent-other-space', subject: 'file', id: r.id, message: `it is in space ${r.container_id}, its parent ${r.parent} in ${r.parent_container}`, related: [r.parent] });
    }
    if (Number(r.recycled) === 0 && Number(r.parent_recycled) !== 0) {
      found.add({ check: 'tree-visible-under-recycled', subject: 'file', id: r.id, message: `it is visible, but its folder ${r.parent} is recycled`, related: [r.parent] });
    }
  }

  for (const r of found.rows('space-root', await repo.spaceRoots(rules, ask))) {
    const why =
      r.root === null
        ? `its root folder ${r.root_folder_id} is gone`
        : r.parent_id !== null
          ? `its root folder ${r.root} has a parent (${r.parent_id})`
          : r.file_type !== rules.folderType
            ? `its root ${r.root} is no folder`
            : `its root folder ${r.root} is in space ${r.container_id}`;
    found.add({ check: 'space-root', subject: 'space', id: r.id, message: why, related: [r.root_folder_id] });
  }
  for (const r of found.rows('tree-stray-root', await repo.strayRoots(ask))) {
    found.add({ check: 'tree-stray-root', subject: 'file', id: r.id, message: `it has no parent and is no space's root (space ${r.container_id})` });
  }

  // Every folder below an orphan is unreachable too: read far more than a listing's worth, so a
  // large orphaned tree does not hide a cycle.
  const wide = found.limit * 100;
  const unreachable = await repo.unreachableFolders(rules, wide + 1);
  if (unreachable.length > wide) found.truncated.push('tree-unreachable');
  for (const cycle of cyclesAmong(unreachable, orphans)) {
    const [first] = cycle.members;
    found.add({
      check: 'tree-cycle',
      subject: 'file',
      id: first!,
      message: `parent links loop: ${[...cycle.members, first].join(' → ')}; it and ${cycle.below} folder(s) below it, with their files, are unreachable`,
      related: cycle.members,
    });
  }

  for (const r of found.rows('recycle-marks', await repo.recycleMarks(ask))) {
    const why =
      Number(r.recycled) === 0
        ? 'it is not recycled, yet carries recycled_at or recycled_with'
        : r.recycled_with === null || r.recycled_at === null
          ? 'it is recycled without recycled_at and recycled_with'
          : r.root === null
            ? `the recycling it belongs to (${r.recycled_with}) is gone: it can never be restored`
            : `the recycling it belongs to (${r.recycled_with}) is not recycled as its own root`;
    found.add({ check: 'recycle-marks', subject: 'file', id: r.id, message: why, ...(r.recycled_with ? { related: [r.recycled_with] } : {}) });
  }
}

/**
 * Splits items no root reaches into loops of parent links (each reported once, from its lowest ID)
 * and what hangs below them. Items below an orphan are left out: the orphan is the finding.
 */
export function cyclesAmong(rows: readonly { id: string; parent_id: string | null }[], orphans: ReadonlySet<string>): { members: string[]; below: number }[] {
  const parent = new Map(rows.map((r) => [r.id, r.parent_id]));
  const loopOf = new Map<string, string>();
  const loops = new Map<string, { members: string[]; below: number }>();
  for (const start of parent.keys()) {
    const path: string[] = [];
    const seen = new Set<string>();
    let at: string | null | undefined = start;
    while (at && parent.has(at) && !seen.has(at) && !orphans.has(at) && !loopOf.has(at)) {
      seen.add(at);
      path.push(at);
      at = parent.get(at);
    }
    let key: string | undefined;
    if (at && seen.has(at)) {
      const members = path.slice(path.indexOf(at));
      const lowest = [...members].sort()[0]!;
      const rotated = [...members.slice(members.indexOf(lowest)), ...members.slice(0, members.indexOf(lowest))];
      loops.set(lowest, { members: rotated, below: 0 });
      members.forEach((m) => loopOf.set(m, lowest));
      key = lowest;
    } else if (at && loopOf.has(at)) key = loopOf.get(at);
    if (key === undefined) continue;
    for (const id of path) {
      if (loopOf.has(id)) continue;
      loopOf.set(id, key);
      loops.get(key)!.below += 1;
    }
  }
  return [...loops.values()];
}
