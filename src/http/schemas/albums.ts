import { Type, type Static } from '@sinclair/typebox';
import { Envelope, Id, IntEnum, Nullable } from './common.js';

const scopeDirRule = 'must list 1 to 30 distinct folder IDs';
const ScopeDirs = (description: string) =>
  Nullable(Type.Array(Id('folder ID'), { maxItems: 30, 'x-rule': scopeDirRule, description }));
const ScopeKind = Nullable(
  Type.Union(
    [
      Type.String({ maxLength: 8 }),
      Type.Array(Type.Union([Type.String({ maxLength: 1 }), Type.Integer({ minimum: 1, maximum: 2 })]), { maxItems: 2 }),
    ],
    { 'x-rule': 'must be one of 1, 2, 1,2', description: '1 images, 2 videos, "1,2" both' },
  ),
);
const AlbumName = Type.String({ minLength: 1, maxLength: 20, description: 'album name, 1–20 characters' });

export const CreateAlbumBody = Type.Object({
  name: Type.Optional(AlbumName),
  type: IntEnum([1, 2] as const, '1 collection album, 2 manual album'),
  albumKind: IntEnum([1, 2] as const, '1 personal album, 2 shared album'),
  scopeDir: Type.Optional(ScopeDirs('collection scope: direct child folders of scopeParentFolderId')),
  scopeParentFolderId: Type.Optional(Nullable(Id('parent folder of the scope, or root'))),
  scopeKind: Type.Optional(ScopeKind),
  groupId: Type.Optional(Nullable(Id('family group ID (shared albums)'))),
  shareFolderId: Type.Optional(Nullable(Id('family share-folder ID (shared albums)'))),
  containerId: Type.Optional(Nullable(Id('space of the scope folders'))),
});
export type CreateAlbumBody = Static<typeof CreateAlbumBody>;

export const CreateAlbumReply = Type.Object({ albumId: Type.String(), ...Envelope });

export const AlbumParams = Type.Object({ albumId: Type.String({ description: 'ID returned by CreateAlbum' }) });
export type AlbumParams = Static<typeof AlbumParams>;

export const UpdateAlbumBody = Type.Object({
  name: Type.Optional(AlbumName),
  scopeParentFolderId: Type.Optional(Nullable(Id('new parent folder of the scope, or root'))),
  scopeDirList: Type.Optional(ScopeDirs('new scope folders')),
  scopeDir: Type.Optional(ScopeDirs('alias of scopeDirList')),
  scopeKind: Type.Optional(ScopeKind),
  coverImageUrl: Type.Optional(Nullable(Type.String({ description: 'reserved; ignored' }))),
});
export type UpdateAlbumBody = Static<typeof UpdateAlbumBody>;

export const ListAlbumsQuery = Type.Object({
  albumKind: IntEnum([1, 2] as const, '1 personal, 2 shared'),
  albumType: IntEnum([1, 2] as const, '1 collection, 2 manual'),
  groupId: Type.Optional(Type.String({ maxLength: 128 })),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  pageNum: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 1 }),
});
export type ListAlbumsQuery = Static<typeof ListAlbumsQuery>;

export const AlbumItem = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  coverImg: Type.Optional(Type.String()),
  albumType: Type.Integer(),
  albumKind: Type.Integer(),
  scopeDir: Type.Array(Type.String()),
  scopeParentFolderId: Type.Optional(Type.String()),
  scopeKind: Type.Optional(Type.String()),
  groupId: Type.Optional(Type.String()),
  shareFolderId: Type.Optional(Type.String()),
  containerId: Type.String(),
  ownerId: Type.String(),
  itemCount: Type.Integer(),
  createTime: Type.String(),
  updateTime: Type.String(),
});

export const ListAlbumsReply = Type.Object({ albumList: Type.Array(AlbumItem), total: Type.Integer(), ...Envelope });

export const ListContentQuery = Type.Object({
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 100' })),
  pageCursor: Type.Optional(Type.String({ maxLength: 2048, description: 'nextPageCursor of the previous page' })),
  sortType: Type.Optional(IntEnum([1, 2, 3] as const, '1 shooting time, 2 creation (manual: added) time, 3 update time')),
  sortDirection: Type.Optional(IntEnum([1, 2] as const, '1 ascending, 2 descending (default)')),
});
export type ListContentQuery = Static<typeof ListContentQuery>;

export const AlbumContentItem = Type.Object({
  id: Type.String(),
  takeTime: Type.String(),
  ownerId: Type.String(),
  fileName: Type.String(),
  fileType: Type.String(),
  mimeType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
  duration: Type.Optional(Type.Number()),
  createdTime: Type.String(),
  editedTime: Type.String(),
  addTime: Type.Optional(Type.String()),
  parentFolder: Type.Array(Type.String()),
  containerId: Type.String(),
  thumbnailUrl: Type.String(),
});

export const ListContentReply = Type.Object({
  contentList: Type.Array(AlbumContentItem),
  nextPageCursor: Type.String({ description: '"" when no row follows' }),
  total: Type.Integer(),
  ...Envelope,
});

export const AddContentBody = Type.Object({
  fileIds: Type.Array(
    Type.Object({
      fileId: Type.String({ minLength: 1, maxLength: 64 }),
      ownerId: Type.Optional(Type.String({ maxLength: 64, description: "the file's uploader" })),
    }),
    { minItems: 1, maxItems: 100 },
  ),
});
export type AddContentBody = Static<typeof AddContentBody>;

export const RemoveContentBody = Type.Object({
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 1000, description: 'file IDs' }),
});
export type RemoveContentBody = Static<typeof RemoveContentBody>;
