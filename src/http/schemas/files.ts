import { Type, type Static } from '@sinclair/typebox';
import { Envelope, Id, IntEnum, Nullable } from './common.js';

export const ShareFolderHeader = Type.Object({
  'x-hw-share-folder-id': Type.Optional(Type.String({ maxLength: 128, description: 'work in this family space' })),
});
export type ShareFolderHeader = Static<typeof ShareFolderHeader>;

export const CreateDirectoryBody = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 250, description: 'folder name, 1–250 characters' }),
  containerId: Id('the space: personal, or the family space with x-hw-share-folder-id'),
  parentFolder: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 1, description: '[parent folder ID] or ["root"]; first used' }))),
  fileType: Type.Optional(Type.String({ maxLength: 4, description: 'fixed 10' })),
  renameMode: Type.Optional(IntEnum([2, 3] as const, '2 take a free name, 3 refuse a taken one (default)')),
  description: Type.Optional(Type.String({ maxLength: 512 })),
  createdTime: Type.Optional(Type.String({ maxLength: 40 })),
  editedTime: Type.Optional(Type.String({ maxLength: 40 })),
  mimeType: Type.Optional(Type.String({ maxLength: 128 })),
});
export type CreateDirectoryBody = Static<typeof CreateDirectoryBody>;

export const FileObject = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  fileType: Type.String(),
  mimeType: Type.String(),
  size: Type.Integer(),
  parentFolder: Type.Array(Type.String()),
  containers: Type.Array(Type.String()),
  createdTime: Type.String(),
  editedTime: Type.String(),
  recycled: Type.Boolean(),
  ownerId: Type.String(),
  description: Type.Optional(Type.String()),
});

export const FileReply = Type.Object({ ...FileObject.properties, ...Envelope });

export const UploadQuery = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 250, description: 'file name; a taken one becomes "name (1).ext" unless renameMode is 3' }),
  containerId: Id('the space'),
  parentFolder: Type.Optional(Type.String({ maxLength: 128, description: 'folder ID or root (default)' })),
  createdTime: Type.Optional(Type.String({ maxLength: 40, description: 'ISO-8601; default: now' })),
  sha256: Type.Optional(Type.String({ maxLength: 64, description: 'checked against the received bytes (13000402)' })),
  renameMode: Type.Optional(IntEnum([2, 3] as const, '3 refuses a taken name')),
});
export type UploadQuery = Static<typeof UploadQuery>;

export const MediaFileObject = Type.Object({
  ...FileObject.properties,
  sha256: Type.Optional(Type.String()),
  takeTime: Type.Optional(Type.String()),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
  duration: Type.Optional(Type.Number()),
  thumbnailUrl: Type.Optional(Type.String()),
  mediaError: Type.Optional(Type.String()),
});

export const MediaFileReply = Type.Object({ ...MediaFileObject.properties, ...Envelope });

export const FileParams = Type.Object({ fileId: Type.String({ maxLength: 128 }) });
export type FileParams = Static<typeof FileParams>;

export const DetailBody = Type.Object({
  containerId: Id('the space of the file'),
  imageProcess: Type.Optional(Type.String({ maxLength: 256, description: 'accepted and ignored' })),
});
export type DetailBody = Static<typeof DetailBody>;

export const DownloadBody = Type.Object({
  containerId: Id('the space of the files'),
  fileIds: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 100 }),
});
export type DownloadBody = Static<typeof DownloadBody>;

export const DownloadReply = Type.Object({
  batchCode: Type.Integer({ description: '1 all, 0 some, 2 none' }),
  downloads: Type.Array(
    Type.Object({ fileId: Type.String(), fileName: Type.String(), url: Type.String(), code: Type.Integer(), msg: Type.String() }),
  ),
  ...Envelope,
});

export const SignedQuery = Type.Object({
  uid: Type.Optional(Type.String({ maxLength: 64 })),
  exp: Type.Optional(Type.String({ maxLength: 20 })),
  sig: Type.Optional(Type.String({ maxLength: 128 })),
});
export type SignedQuery = Static<typeof SignedQuery>;
