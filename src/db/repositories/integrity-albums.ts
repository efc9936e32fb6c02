import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { collectionCount, coverOf, itemDiffers, membersOf, ownedAlbums, type IntegrityRules } from './integrity-sql.js';

/** Album checks: counts, covers and membership rows against the files (rows that disagree only). */
export function albumChecks(db: Kysely<DB>) {
  return {
    /** Manual albums whose member or visible-item count differs from their membership rows. */
    manualCounts(rules: IntegrityRules, limit: number) {
      return db
        .selectFrom('albums')
        .select((eb) => ['albums.id', 'albums.item_count', 'albums.member_count', membersOf(eb, true).as('visible'), membersOf(eb, false).as('members')])
        .where('albums.album_type', '=', rules.manualType)
        .where((eb) => eb.or([eb(membersOf(eb, true), '<>', eb.ref('albums.item_count')), eb(membersOf(eb, false), '<>', eb.ref('albums.member_count'))]))
        .orderBy('albums.id')
        .limit(limit)
        .execute();
    },

    /** Collection albums whose item count differs from what their scope holds now. */
    collectionCounts(rules: IntegrityRules, limit: number) {
      return db
        .selectFrom('albums')
        .select((eb) => ['albums.id', 'albums.item_count', collectionCount(eb, rules).as('actual')])
        .where('albums.album_type', '=', rules.collectionType)
        .where((eb) => eb(collectionCount(eb, rules), '<>', eb.ref('albums.item_count')))
        .orderBy('albums.id')
        .limit(limit)
        .execute();
    },

    /** Albums whose cover is not the one the rule gives (collection albums have none). */
    covers(rules: IntegrityRules, limit: number) {
      return db
        .selectFrom('albums')
        .select((eb) => ['albums.id', 'albums.cover_file_id', coverOf(eb, rules).as('expected')])
        .where((eb) => eb(eb.fn.coalesce('albums.cover_file_id', sql.lit('')), '<>', eb.fn.coalesce(coverOf(eb, rules), sql.lit(''))))
        .orderBy('albums.id')
        .limit(limit)
        .execute();
    },

    /** Membership rows whose copied visibility, times or type disagree with their file. */
    itemColumns(limit: number) {
      return db
        .selectFrom('album_items')
        .innerJoin('files', 'files.id', 'album_items.file_id')
        .select(['album_items.album_id', 'album_items.file_id', 'album_items.visible', 'album_items.take_time', 'album_items.edited_time', 'album_items.file_type'])
        .select(['files.recycled', 'files.take_time as f_take_time', 'files.created_time as f_created_time', 'files.edited_time as f_edited_time', 'files.file_type as f_file_type'])
        .where((eb) => itemDiffers(eb))
        .limit(limit)
        .execute();
    },

    /** Membership rows whose file or album is gone. */
    vanishedItems(limit: number) {
      return db
        .selectFrom('album_items')
        .leftJoin('files', 'files.id', 'album_items.file_id')
        .leftJoin('albums', 'albums.id', 'album_items.album_id')
        .select(['album_items.album_id', 'album_items.file_id', 'files.id as file', 'albums.id as album'])
        .where((eb) => eb.or([eb('files.id', 'is', null), eb('albums.id', 'is', null)]))
        .limit(limit)
        .execute();
    },

    /** Membership no rule allows: in a collection album, of another space, or not a photo or video. */
    strayItems(rules: IntegrityRules, limit: number) {
      return db
        .selectFrom('album_items')
        .innerJoin('files', 'files.id', 'album_items.file_id')
        .innerJoin('albums', 'albums.id', 'album_items.album_id')
        .select(['album_items.album_id', 'album_items.file_id', 'albums.album_type', 'albums.container_id', 'files.container_id as file_container', 'files.file_type'])
        .where((eb) =>
          eb.or([eb('albums.album_type', '<>', rules.manualType), eb('files.container_id', '<>', eb.ref('albums.container_id')), eb('files.file_type', 'not in', [...rules.mediaTypes])]),
        )
        .limit(limit)
        .execute();
    },

    /** Users and families whose album count is not the number of albums they own. */
    ownerCounts(rules: IntegrityRules, limit: number) {
      const users = db
        .selectFrom('users')
        .select((eb) => [sql.lit('user').as('kind'), 'users.id', 'users.album_count', ownedAlbums(eb, 'users.id', rules.personalKind).as('actual')])
        .where((eb) => eb(ownedAlbums(eb, 'users.id', rules.personalKind), '<>', eb.ref('users.album_count')));
      const families = db
        .selectFrom('families')
        .select((eb) => [sql.lit('family').as('kind'), 'families.group_id as id', 'families.album_count', ownedAlbums(eb, 'families.group_id', rules.sharedKind).as('actual')])
        .where((eb) => eb(ownedAlbums(eb, 'families.group_id', rules.sharedKind), '<>', eb.ref('families.album_count')));
      return users.unionAll(families).limit(limit).execute();
    },

    /** Albums whose owner (a user for personal albums, a family for shared ones) is gone. */
    ownerlessAlbums(rules: IntegrityRules, limit: number) {
      return db
        .selectFrom('albums')
        .select(['albums.id', 'albums.owner_id', 'albums.album_kind'])
        .where((eb) =>
          eb.or([
            eb.and([eb('albums.album_kind', '=', rules.personalKind), eb('albums.owner_id', 'not in', eb.selectFrom('users').select('users.id'))]),
            eb.and([eb('albums.album_kind', '=', rules.sharedKind), eb('albums.owner_id', 'not in', eb.selectFrom('families').select('families.group_id'))]),
          ]),
        )
        .limit(limit)
        .execute();
    },
  };
}
