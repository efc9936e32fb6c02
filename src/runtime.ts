import type { Config } from './config.js';
import type { Store } from './db/database.js';
import type { DomainDeps } from './domain/context.js';
import { createSigner } from './domain/signing.js';
import { KeyedLock } from './domain/keyed-lock.js';
import { createSnowflake } from './ids.js';
import { probe } from './media/probe.js';
import { resolveSecret } from './secrets.js';
import { createBlobStore } from './storage/blob-store.js';

/** The domain's dependencies from the configuration: one place for the server and bin/albumd. */
export function domainDeps(config: Config, store: Store, workerId: number, now: () => number = Date.now): DomainDeps {
  return {
    store,
    ids: createSnowflake(workerId),
    now,
    limits: config.limits,
    xDateToleranceSeconds: config.xDateToleranceSeconds,
    blobs: createBlobStore(config.dataDir),
    probe,
    signer: createSigner(resolveSecret(config.dataDir, config.secret), config.secretPrevious),
    drive: config.drive,
    blobLocks: new KeyedLock(),
  };
}
