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
