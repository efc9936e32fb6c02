import type { Static } from '@sinclair/typebox';
import type { LoginReply, RefreshReply } from '../../../src/http/schemas/auth.js';
import type { AlbumContentItem, AlbumItem, ListAlbumsReply, ListContentReply } from '../../../src/http/schemas/albums.js';
import type { DownloadReply } from '../../../src/http/schemas/files.js';

/** The API's own shapes, typed from the server's schemas (never copied by hand). */
export type LoginResult = Static<typeof LoginReply>;
export type RefreshResult = Static<typeof RefreshReply>;
export type Album = Static<typeof AlbumItem>;
export type AlbumList = Static<typeof ListAlbumsReply>;
export type AlbumContent = Static<typeof AlbumContentItem>;
export type ContentPage = Static<typeof ListContentReply>;
export type Downloads = Static<typeof DownloadReply>;
