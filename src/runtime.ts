import type { Config } from './config.js';
import type { Store } from './db/database.js';
import type { DomainDeps } from './domain/context.js';
import { createSigner } from './domain/auth/signing.js';
import { KeyedLock } from './keyed-lock.js';
import { createSnowflake } from './ids.js';
import { PIXEL_LIMIT, createProber } from './media/probe.js';
import { findFfprobe } from './media/ffprobe.js';
import { HeicDecoder } from './media/heic-pool.js';
import { createRenderer, findFfmpeg } from './media/thumbnails.js';
import { WorkQueue } from './media/work-queue.js';
import { createThumbStore } from './storage/thumb-store.js';
import { resolveSecret } from './secrets.js';
import { createBlobStore } from './storage/blob-store.js';
import pino from 'pino';
import type { MediaDebugLog } from './media/errors.js';
import { stdoutDestination } from './log-destination.js';

/** The domain's dependencies from the configuration: one place for the server and bin/albumd. */
export function domainDeps(config: Config, store: Store, workerId: number, now: () => number = Date.now): DomainDeps {
  // Decoders' messages name server paths: only the server's own debug log sees them, never a file row.
  const mediaLogger = pino({ level: config.logLevel, name: 'media' }, stdoutDestination());
  const log: MediaDebugLog = (event) => mediaLogger.debug(event, 'media could not be decoded');
  return {
    store,
    ids: createSnowflake(workerId),
    now,
    limits: config.limits,
    xDateToleranceSeconds: config.xDateToleranceSeconds,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    blobs: createBlobStore(config.dataDir),
    probe: createProber({ ffprobe: findFfprobe(), log }),
    signer: createSigner(resolveSecret(config.dataDir, config.secret), config.secretPrevious),
    drive: config.drive,
    blobLocks: new KeyedLock(),
    thumbs: createThumbStore(config.dataDir),
    renderer: createRenderer(new HeicDecoder(PIXEL_LIMIT), findFfmpeg(), { log }),
    thumbnailQueue: new WorkQueue(config.thumbnailConcurrency),
  };
}
