import type { Static } from '@sinclair/typebox';
import type { LoginReply, RefreshReply } from '../../../src/http/schemas/auth.js';
import type {
  AddContentBody,
  AlbumContentItem,
  AlbumItem,
  CreateAlbumBody,
  CreateAlbumReply,
  ListAlbumsReply,
  ListContentReply,
  RemoveContentBody,
  UpdateAlbumBody,
} from '../../../src/http/schemas/albums.js';
import type {
  AbortBody,
  CompleteBody,
  CreateDirectoryBody,
  CreateUploadBody,
  CreateUploadReply,
  DownloadReply,
  MediaFileObject,
  FileReply,
  JobBody,
  JobReply,
  ListFilesBody,
  ListFilesReply,
  MediaFileReply,
  UploadUrlBody,
  UploadUrlReply,
} from '../../../src/http/schemas/files.js';
import type {
  ConfirmBody,
  ConfirmListReply,
  CreateFamilyBody,
  DeleteFamilyBody,
  DeleteMemberQuery,
  RenameFamilyBody,
  CreateFamilyReply,
  InviteListReply,
  InviteReply,
  ListFamiliesReply,
  MemberListReply,
  MetadataReply,
  ShareFolderObject,
} from '../../../src/http/schemas/families.js';
import type { SpaceInfoReply, SpaceUsageReply, UserInfoReply } from '../../../src/http/schemas/users.js';

/** The API's own shapes, typed from the server's schemas (never copied by hand). */
export type LoginResult = Static<typeof LoginReply>;
export type RefreshResult = Static<typeof RefreshReply>;

export type Album = Static<typeof AlbumItem>;
export type AlbumList = Static<typeof ListAlbumsReply>;
export type AlbumContent = Static<typeof AlbumContentItem>;
export type ContentPage = Static<typeof ListContentReply>;
export type CreateAlbum = Static<typeof CreateAlbumBody>;
export type CreateAlbumResult = Static<typeof CreateAlbumReply>;
export type UpdateAlbum = Static<typeof UpdateAlbumBody>;
export type AddContent = Static<typeof AddContentBody>;
export type RemoveContent = Static<typeof RemoveContentBody>;

/** A file or folder as listings and details show it (media fields when it is a photo or video). */
export type DriveFile = Static<typeof MediaFileObject>;
export type FileResult = Static<typeof FileReply>;
export type MediaFileResult = Static<typeof MediaFileReply>;
export type CreateDirectory = Static<typeof CreateDirectoryBody>;
export type ListFiles = Static<typeof ListFilesBody>;
export type FileList = Static<typeof ListFilesReply>;
export type Downloads = Static<typeof DownloadReply>;
export type Job = Static<typeof JobBody>;
export type JobResult = Static<typeof JobReply>;
export type CreateUpload = Static<typeof CreateUploadBody>;
export type CreateUploadResult = Static<typeof CreateUploadReply>;
export type UploadUrls = Static<typeof UploadUrlBody>;
export type UploadUrlsResult = Static<typeof UploadUrlReply>;
export type CompleteUpload = Static<typeof CompleteBody>;
export type AbortUpload = Static<typeof AbortBody>;

export type Family = Static<typeof ShareFolderObject>;
export type CreateFamily = Static<typeof CreateFamilyBody>;
export type CreateFamilyResult = Static<typeof CreateFamilyReply>;
export type FamilyList = Static<typeof ListFamiliesReply>;
export type FamilyMetadata = Static<typeof MetadataReply>;
export type InviteResult = Static<typeof InviteReply>;
export type InviteList = Static<typeof InviteListReply>;
export type ConfirmList = Static<typeof ConfirmListReply>;
export type Confirm = Static<typeof ConfirmBody>;
export type MemberList = Static<typeof MemberListReply>;
export type RenameFamily = Static<typeof RenameFamilyBody>;
export type DeleteFamily = Static<typeof DeleteFamilyBody>;
export type DeleteMember = Static<typeof DeleteMemberQuery>;

export type UserInfo = Static<typeof UserInfoReply>;
export type SpaceInfo = Static<typeof SpaceInfoReply>;
export type SpaceUsage = Static<typeof SpaceUsageReply>;
