import type { Store } from '../db/database.js';
import type { IdGenerator } from '../ids.js';

/** What every domain service is built from. */
export interface DomainDeps {
  store: Store;
  ids: IdGenerator;
  now: () => number;
  limits: { albumsPerOwner: number };
  xDateToleranceSeconds: number;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
