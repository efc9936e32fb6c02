import { createAuthService } from './auth/auth.js';
import { createUserService } from './auth/users.js';
import { createUserInfoService } from './auth/user-info.js';
import { createUserAdminService } from './auth/user-admin.js';
import { createFolderService } from './drive/folders.js';
import { createFileService } from './drive/files.js';
import { createContentService } from './drive/content.js';
import { createFileListService } from './drive/file-list.js';
import { createRenameService } from './drive/file-rename.js';
import { createJobService } from './jobs/jobs.js';
import { createMultipartService } from './uploads/multipart.js';
import { createThumbnailService } from './uploads/thumbnails.js';
import { createAlbumContentService } from './albums/album-content.js';
import { createBlobSweeper } from './integrity/blob-sweep.js';
import { createAlbumService } from './albums/albums.js';
import { createAlbumListService } from './albums/album-list.js';
import { createFamilyService } from './families/families.js';
import { createInvitationService } from './families/invitations.js';
import type { DomainDeps } from './context.js';

/** Every domain service, built once per app from the same dependencies. */
export function createDomain(deps: DomainDeps) {
  return {
    auth: createAuthService(deps),
    users: createUserService(deps),
    userInfo: createUserInfoService(deps),
    userAdmin: createUserAdminService(deps),
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
