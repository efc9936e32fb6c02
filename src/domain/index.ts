import { createAuthService } from './auth.js';
import { createUserService } from './users.js';
import { createFolderService } from './folders.js';
import { createFileService } from './files.js';
import { createContentService } from './content.js';
import { createFileListService } from './file-list.js';
import { createRenameService } from './file-rename.js';
import { createJobService } from './jobs.js';
import { createMultipartService } from './multipart.js';
import { createThumbnailService } from './thumbnails.js';
import { createAlbumContentService } from './album-content.js';
import { createBlobSweeper } from './blob-sweep.js';
import { createAlbumService } from './albums.js';
import { createAlbumListService } from './album-list.js';
import { createFamilyService } from './families.js';
import { createInvitationService } from './invitations.js';
import type { DomainDeps } from './context.js';

/** Every domain service, built once per app from the same dependencies. */
export function createDomain(deps: DomainDeps) {
  return {
    auth: createAuthService(deps),
    users: createUserService(deps),
    folders: createFolderService(deps),
    files: { ...createFileService(deps), ...createFileListService(deps), ...createRenameService(deps) },
    jobs: createJobService(deps),
    uploads: createMultipartService(deps),
    thumbnails: createThumbnailService(deps),
    content: createContentService(deps),
    sweeper: createBlobSweeper(deps),
    albums: { ...createAlbumService(deps), ...createAlbumListService(deps) },
    albumContent: createAlbumContentService(deps),
    families: createFamilyService(deps),
    invitations: createInvitationService(deps),
  };
}

export type Domain = ReturnType<typeof createDomain>;
export type { DomainDeps } from './context.js';
