import type { FileRow } from '../../db/repositories/index.js';
import type { Space } from '../drive/spaces.js';

/**
 * decisions.md §7: in a family space a member changes only what it uploaded, and only the family
 * owner deletes for good; in a personal space the owner does everything.
 */
export function mayChange(space: Space, userId: string, ownerOnly: boolean, row?: FileRow): boolean {
  if (space.kind !== 'family' || space.familyOwnerId === userId) return true;
  if (ownerOnly) return false;
  return row === undefined || row.owner_id === userId;
}

/** Files leave a family only by their uploader (for a folder: all it holds) or the family owner. */
export function mayTakeOut(from: Space, userId: string, subtree: readonly FileRow[]): boolean {
  return subtree.every((r) => mayChange(from, userId, false, r));
}
