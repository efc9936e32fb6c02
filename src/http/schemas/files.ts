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

export const ListFilesParams = Type.Object({
  type: Type.Unsafe<'0' | '1'>({ type: 'string', enum: ['0', '1'], description: '0 a folder, 1 the recycle bin' }),
});
export type ListFilesParams = Static<typeof ListFilesParams>;

export const FILE_TYPES = ['10', '11', '15', '20', '26', '27', '28', '30', '35', '40', '45'];

export const ListFilesBody = Type.Object({
  containerId: Id('the space'),
  parentFileId: Type.Optional(Type.String({ maxLength: 64, description: 'folder ID or root (default); type 0 only' })),
  pageInfo: Type.Optional(
    Type.Object({
      pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100 })),
      pageCursor: Type.Optional(Type.String({ maxLength: 2048 })),
    }),
  ),
  sortInfo: Type.Optional(
    Type.Object({
      sortType: Type.Optional(IntEnum([1, 2, 3, 4] as const, '1 name, 2 size, 3 created, 4 modified (default)')),
      sortDirection: Type.Optional(IntEnum([1, 2] as const, '1 ascending, 2 descending (default)')),
    }),
  ),
  fileType: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: FILE_TYPES, description: 'only files of this type' })),
  imageProcess: Type.Optional(Type.String({ maxLength: 256, description: 'accepted and ignored' })),
});
export type ListFilesBody = Static<typeof ListFilesBody>;

export const ListFilesReply = Type.Object({
  files: Type.Array(MediaFileObject),
  nextPageCursor: Type.String({ description: '"" after the last page' }),
  ...Envelope,
});

export const RenameBody = Type.Object({
  containerId: Id('the space of the file'),
  name: Type.String({ minLength: 1, maxLength: 250, description: 'the new name' }),
  renameMode: Type.Optional(IntEnum([2, 3] as const, '3 refuses a taken name (default), 2 takes "name (1)"')),
});
export type RenameBody = Static<typeof RenameBody>;

export const JobBody = Type.Object({
  taskType: Type.Integer({ minimum: 1, maximum: 7, description: '2 delete, 3 move, 4 restore, 7 empty the recycle bin' }),
  actionType: Type.Optional(Type.Integer({ minimum: 0, maximum: 999, description: 'with taskType 2: 201 to the recycle bin (default), 202 permanently' })),
  taskInfo: Type.Object({
    fileInfo: Type.Optional(Type.Array(Type.Object({ fileId: Type.String({ minLength: 1, maxLength: 128 }) }), { maxItems: 1000 })),
    srcContainerId: Id('the space the files are in'),
    newFilePath: Type.Optional(Type.String({ maxLength: 128, description: 'move target: a folder ID or root' })),
    dstFolderId: Type.Optional(Type.String({ maxLength: 128, description: 'move target (albumd): a folder ID or root' })),
  }),
  dstContainerId: Type.Optional(Id('the target space')),
  password: Type.Optional(Type.String({ maxLength: 128 })),
});
export type JobBody = Static<typeof JobBody>;

export const JobReply = Type.Object({ jobId: Type.String(), status: Type.Integer({ description: '2 completed' }), ...Envelope });

export const JobsQuery = Type.Object({
  type: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 })),
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  // Bounded: SQLite refuses integers past 2^63 ("datatype mismatch"), and no one pages that far.
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
});
export type JobsQuery = Static<typeof JobsQuery>;

export const JobsReply = Type.Object({
  jobs: Type.Array(
    Type.Object({
      jobId: Type.String(),
      taskType: Type.Integer(),
      actionType: Type.Optional(Type.Integer()),
      status: Type.Integer(),
      fileCount: Type.Integer(),
      createTime: Type.String(),
      finishTime: Type.Optional(Type.String()),
    }),
  ),
  total: Type.Integer(),
  ...Envelope,
});

export const CreateUploadBody = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 250 }),
  containerId: Id('the space'),
  parentFolder: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 1, description: '[folder ID] or ["root"] (default)' }))),
  length: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'bytes' }),
  sha256: Type.Optional(Type.String({ maxLength: 64, description: 'hex; checked at complete, and enables rapid upload' })),
  uploadMode: Type.Optional(Type.Unsafe<'put' | 'multipart'>({ type: 'string', enum: ['put', 'multipart'], description: 'put (default): one part up to 5 GiB; multipart: 8 MiB parts' })),
  mimeType: Type.Optional(Type.String({ maxLength: 128, description: 'ignored: the type comes from the bytes' })),
  fileType: Type.Optional(Type.String({ maxLength: 4, description: 'ignored: the type comes from the bytes' })),
  createdTime: Type.Optional(Type.String({ maxLength: 40 })),
  description: Type.Optional(Type.String({ maxLength: 2048 })),
  renameMode: Type.Optional(IntEnum([2, 3] as const, '3 refuses a taken name')),
});
export type CreateUploadBody = Static<typeof CreateUploadBody>;

const PartInfo = Type.Object({ partNumber: Type.Integer(), partOffset: Type.Integer(), partSize: Type.Integer(), uploadUrl: Type.String() });

export const CreateUploadReply = Type.Object({
  ...Type.Partial(MediaFileObject).properties,
  fileId: Type.String(),
  uploadId: Type.String(),
  rapidUpload: Type.Boolean(),
  exist: Type.Boolean(),
  containerId: Type.String(),
  fileName: Type.String(),
  parentFolder: Type.Array(Type.String()),
  multiParts: Type.Array(PartInfo),
  ...Envelope,
});

export const UploadUrlBody = Type.Object({
  fileId: Type.String({ minLength: 1, maxLength: 64 }),
  uploadId: Type.String({ minLength: 1, maxLength: 64 }),
  containerId: Type.Optional(Type.String({ maxLength: 128 })),
  multiParts: Type.Optional(Type.Array(Type.Object({ partNumber: Type.Integer({ minimum: 1, maximum: 10000 }) }), { maxItems: 10000 })),
});
export type UploadUrlBody = Static<typeof UploadUrlBody>;

export const UploadUrlReply = Type.Object({ fileId: Type.String(), uploadId: Type.String(), multiParts: Type.Array(PartInfo), ...Envelope });

export const CompleteBody = Type.Object({
  fileId: Type.String({ minLength: 1, maxLength: 64 }),
  uploadId: Type.String({ minLength: 1, maxLength: 64 }),
  containerId: Id('the space'),
});
export type CompleteBody = Static<typeof CompleteBody>;

export const AbortBody = Type.Object({
  fileId: Type.String({ minLength: 1, maxLength: 64 }),
  uploadId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type AbortBody = Static<typeof AbortBody>;

export const PartQuery = Type.Object({
  part: Type.Optional(Type.String({ maxLength: 100 })),
  uid: Type.Optional(Type.String({ maxLength: 64 })),
  exp: Type.Optional(Type.String({ maxLength: 20 })),
  sig: Type.Optional(Type.String({ maxLength: 128 })),
});
export type PartQuery = Static<typeof PartQuery>;

export const ThumbnailQuery = Type.Object({
  size: Type.Optional(Type.Unsafe<'s' | 'm' | 'l'>({ type: 'string', enum: ['s', 'm', 'l'], description: '256, 720 (default) or 1440 px long edge' })),
  uid: Type.Optional(Type.String({ maxLength: 64 })),
  exp: Type.Optional(Type.String({ maxLength: 20 })),
  sig: Type.Optional(Type.String({ maxLength: 128 })),
});
export type ThumbnailQuery = Static<typeof ThumbnailQuery>;
