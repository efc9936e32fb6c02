import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';
import type { IntegrityRules } from './integrity-sql.js';

/**
 * Folder tree checks: parents, roots, reachability and recycle marks (rows that disagree only).
 * No ORDER BY on the full scans: ordering by the text key walks its index and fetches each row at
 * random (10 s instead of 0.7 s at a million files).
 */
export function treeChecks(db: Kysely<DB>) {
  return {
    /** Items whose parent is gone, not a folder, in another space, or recycled while they are not. */
    parentProblems(rules: IntegrityRules, limit: number) {
      return db
        .selectFrom('files as f')
        .leftJoin('files as p', 'p.id', 'f.parent_id')
        .select(['f.id', 'f.parent_id', 'f.container_id', 'f.recycled', 'p.id as parent', 'p.file_type as parent_type', 'p.container_id as parent_container', 'p.recycled as parent_recycled'])
        .where('f.parent_id', 'is not', null)
        .where((eb) =>
          eb.or([
            eb('p.id', 'is', null),
            eb('p.file_type', '<>', rules.folderType),
            eb('p.container_id', '<>', eb.ref('f.container_id')),
            eb.and([eb('f.recycled', '=', 0), eb('p.recycled', '<>', 0)]),
          ]),
        )
        .limit(limit)
        .execute();
    },

    /** Spaces whose root folder is missing, not a folder, has a parent or lies in another space. */
    spaceRoots(rules: IntegrityRules, limit: number) {
      return db
        .selectFrom('containers')
        .leftJoin('files', 'files.id', 'containers.root_folder_id')
        .select(['containers.id', 'containers.root_folder_id', 'files.id as root', 'files.parent_id', 'files.file_type', 'files.container_id'])
        .where((eb) =>
          eb.or([
            eb('files.id', 'is', null),
            eb('files.parent_id', 'is not', null),
            eb('files.file_type', '<>', rules.folderType),
            eb('files.container_id', '<>', eb.ref('containers.id')),
          ]),
        )
        .limit(limit)
        .execute();
    },

    /** Items without a parent that are no space's root. */
    strayRoots(limit: number) {
      return db
        .selectFrom('files')
        .select(['files.id', 'files.container_id'])
        .where('files.parent_id', 'is', null)
        .where('files.id', 'not in', (eb) => eb.selectFrom('containers').select('containers.root_folder_id'))
        .limit(limit)
        .execute();
    },

    /**
     * Folders no chain of folders leads to from a root: below an orphan, or in a cycle. Only folders
     * can form a cycle, and what is in an unreachable folder is unreachable with it, so the walk
     * skips the files (a second at a million files instead of fourteen).
     */
    unreachableFolders(rules: IntegrityRules, limit: number) {
      return db
        .withRecursive('reach(id)', (qc) =>
          qc
            .selectFrom('files')
            .select('files.id')
            .where('files.parent_id', 'is', null)
            .where('files.file_type', '=', rules.folderType)
            .unionAll(qc.selectFrom('files').innerJoin('reach', 'reach.id', 'files.parent_id').select('files.id').where('files.file_type', '=', rules.folderType)),
        )
        .selectFrom('files')
        .select(['files.id', 'files.parent_id'])
        .where('files.file_type', '=', rules.folderType)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('reach').select('reach.id').whereRef('reach.id', '=', 'files.id'))))
        .limit(limit)
        .execute();
    },

    /** Recycle marks that contradict each other, or name a recycling that cannot be restored. */
    recycleMarks(limit: number) {
      return db
        .selectFrom('files as f')
        .leftJoin('files as r', 'r.id', 'f.recycled_with')
        .select(['f.id', 'f.recycled', 'f.recycled_at', 'f.recycled_with', 'r.id as root', 'r.recycled as root_recycled', 'r.recycled_with as root_with'])
        .where((eb) =>
          eb.or([
            eb.and([eb('f.recycled', '=', 0), eb.or([eb('f.recycled_with', 'is not', null), eb('f.recycled_at', 'is not', null)])]),
            eb.and([
              eb('f.recycled', '<>', 0),
              eb.or([eb('f.recycled_with', 'is', null), eb('f.recycled_at', 'is', null), eb('r.id', 'is', null), eb('r.recycled', '=', 0), eb('r.recycled_with', 'is', null), eb('r.recycled_with', '<>', eb.ref('r.id'))]),
            ]),
          ]),
        )
        .limit(limit)
        .execute();
    },
  };
}
