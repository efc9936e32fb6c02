import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-drive.js';
import * as m0003 from './0003-jobs.js';
import * as m0004 from './0004-uploads.js';
import * as m0005 from './0005-album-content.js';
import * as m0006 from './0006-families.js';
import * as m0007 from './0007-album-items-by-file.js';
import * as m0008 from './0008-content-time-upload-claims.js';
import * as m0009 from './0009-text-in-byte-order.js';
import * as m0010 from './0010-user-status.js';

/** Every migration, in order; listed in code so no directory scan depends on the loader. */
const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-drive': m0002,
  '0003-jobs': m0003,
  '0004-uploads': m0004,
  '0005-album-content': m0005,
  '0006-families': m0006,
  '0007-album-items-by-file': m0007,
  '0008-content-time-upload-claims': m0008,
  '0009-text-in-byte-order': m0009,
  '0010-user-status': m0010,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
