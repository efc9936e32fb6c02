import type { QueryRunner } from '../query-runner.js';
import { usersRepository, containersRepository } from './users.js';
import { tokensRepository } from './tokens.js';
import { filesRepository } from './files.js';
import { fileBatchesRepository } from './file-batches.js';
import { familiesRepository, invitationsRepository } from './families.js';
import { albumsRepository } from './albums.js';
import { workersRepository } from './workers.js';
import { blobsRepository } from './blobs.js';
import { jobsRepository } from './jobs.js';
import { uploadsRepository } from './uploads.js';
import { albumItemsRepository } from './album-items.js';
import { integrityRepository } from './integrity.js';
import { metricsRepository } from './metrics.js';

export function bindRepositories(db: QueryRunner) {
  return {
    users: usersRepository(db),
    containers: containersRepository(db),
    tokens: tokensRepository(db),
    files: filesRepository(db),
    fileBatches: fileBatchesRepository(db),
    families: familiesRepository(db),
    invitations: invitationsRepository(db),
    albums: albumsRepository(db),
    workers: workersRepository(db),
    blobs: blobsRepository(db),
    jobs: jobsRepository(db),
    uploads: uploadsRepository(db),
    albumItems: albumItemsRepository(db),
    integrity: integrityRepository(db),
    metrics: metricsRepository(db),
  };
}

export type Repositories = ReturnType<typeof bindRepositories>;
export type { UserRow, ContainerRow } from './users.js';
export type { TokenRow } from './tokens.js';
export type { FileRow } from './files.js';
export type { FamilyRow, InvitationRow } from './families.js';
export type { AlbumRow } from './albums.js';
export type { BlobRow } from './blobs.js';
export type { JobRow } from './jobs.js';
export type { UploadRow, UploadPartRow } from './uploads.js';
