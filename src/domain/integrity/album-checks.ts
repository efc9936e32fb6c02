import type { IntegrityRepository, IntegrityRules } from '../../db/repositories/integrity.js';
import type { Findings } from './findings.js';

/**
 * Album counts, covers and membership as album-effects.ts keeps them:
 * - manual albums: item_count = members whose file is visible, member_count = all members, the
 *   cover = the earliest-added (then lowest ID) visible image, as albumItems.firstImage picks it;
 *   each album_items row carries its file's visibility, shooting time (take_time, else
 *   created_time), edit time and type;
 * - collection albums: item_count = visible files of the scope's kinds directly inside the scope
 *   folders that are in the album's own space; no cover;
 * - membership rows of files or albums that are gone; rows no rule allows (another space, not a
 *   photo or video, a collection album);
 * - users.album_count / families.album_count = the personal / shared albums they own.
 */
export async function checkAlbums(repo: IntegrityRepository, rules: IntegrityRules, found: Findings): Promise<void> {
  const ask = found.limit + 1;
  const num = (v: unknown): number => Number(v ?? 0);

  for (const r of found.rows('album-counts', await repo.manualCounts(rules, ask))) {
    const parts: string[] = [];
    if (num(r.item_count) !== num(r.visible)) parts.push(`item_count ${num(r.item_count)}, ${num(r.visible)} visible member(s)`);
    if (num(r.member_count) !== num(r.members)) parts.push(`member_count ${num(r.member_count)}, ${num(r.members)} member(s)`);
    found.add({ check: 'album-counts', subject: 'album', id: r.id, message: parts.join('; '), repairable: true });
  }
  for (const r of found.rows('collection-count', await repo.collectionCounts(rules, ask))) {
    found.add({ check: 'collection-count', subject: 'album', id: r.id, message: `item_count ${num(r.item_count)}, its scope holds ${num(r.actual)}`, repairable: true });
  }
  for (const r of found.rows('album-cover', await repo.covers(rules, ask))) {
    const expected = r.expected === null ? 'none' : String(r.expected);
    found.add({ check: 'album-cover', subject: 'album', id: r.id, message: `cover ${r.cover_file_id ?? 'none'}, should be ${expected}`, repairable: true });
  }

  for (const r of found.rows('album-item-columns', await repo.itemColumns(ask))) {
    const visible = num(r.recycled) === 0 ? 1 : 0;
    if (num(r.visible) !== visible) {
      found.add({
        check: 'album-item-visible',
        subject: 'album',
        id: r.album_id,
        message: `member ${r.file_id}: visible ${num(r.visible)}, but the file is ${visible ? 'not recycled' : 'recycled'}`,
        related: [r.file_id],
        repairable: true,
      });
    }
    const take = num(r.f_take_time ?? r.f_created_time);
    const wrong: string[] = [];
    if (num(r.take_time) !== take) wrong.push(`take_time ${num(r.take_time)} (file: ${take})`);
    if (num(r.edited_time) !== num(r.f_edited_time)) wrong.push(`edited_time ${num(r.edited_time)} (file: ${num(r.f_edited_time)})`);
    if (r.file_type !== r.f_file_type) wrong.push(`file_type ${r.file_type} (file: ${r.f_file_type})`);
    if (wrong.length > 0) {
      found.add({ check: 'album-item-columns', subject: 'album', id: r.album_id, message: `member ${r.file_id}: ${wrong.join(', ')}`, related: [r.file_id], repairable: true });
    }
  }
  for (const r of found.rows('album-item-vanished', await repo.vanishedItems(ask))) {
    const what = r.album === null ? 'the album is gone, its membership row stays' : 'the file is gone, its membership row stays';
    found.add({ check: 'album-item-vanished', subject: 'album', id: r.album_id, message: `member ${r.file_id}: ${what}`, related: [r.file_id], repairable: true });
  }
  for (const r of found.rows('album-item-stray', await repo.strayItems(rules, ask))) {
    const why =
      num(r.album_type) !== rules.manualType
        ? 'a collection album has membership rows'
        : r.file_container !== r.container_id
          ? `the file is in space ${r.file_container}, the album in ${r.container_id}`
          : `the file is no photo or video (type ${r.file_type})`;
    found.add({ check: 'album-item-stray', subject: 'album', id: r.album_id, message: `member ${r.file_id}: ${why}`, related: [r.file_id] });
  }

  for (const r of found.rows('owner-album-count', await repo.ownerCounts(rules, ask))) {
    const subject = r.kind === 'user' ? 'user' : 'family';
    found.add({ check: 'owner-album-count', subject, id: r.id, message: `album_count ${num(r.album_count)}, it owns ${num(r.actual)} album(s)`, repairable: true });
  }
  for (const r of found.rows('album-owner-missing', await repo.ownerlessAlbums(rules, ask))) {
    const owner = num(r.album_kind) === rules.personalKind ? 'user' : 'family';
    found.add({ check: 'album-owner-missing', subject: 'album', id: r.id, message: `its owner, ${owner} ${r.owner_id}, does not exist` });
  }
}
