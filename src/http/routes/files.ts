import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import type { Domain } from '../../domain/index.js';
import { callerOf } from '../auth.js';
import { callerWithOrigin } from '../caller.js';
import { ok } from '../reply.js';
import {
  CreateDirectoryBody,
  DetailBody,
  FileParams,
  FileReply,
  MediaFileReply,
  ShareFolderHeader,
  UploadQuery,
  ListFilesBody,
  ListFilesParams,
  ListFilesReply,
} from '../schemas/files.js';

const V1 = '/koodrive/ose/v1';
const tags = ['Files'];

export function fileRoutes(app: FastifyInstance, domain: Domain, config: Config): void {
  app.post<{ Body: CreateDirectoryBody; Headers: ShareFolderHeader }>(`${V1}/directory`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'CreateDirectory', summary: 'Adding a File Directory', headers: ShareFolderHeader, body: CreateDirectoryBody, response: { 200: FileReply } },
    handler: async (req) => {
      const folder = await domain.folders.create(callerOf(req), {
        ...req.body,
        shareFolderId: req.headers['x-hw-share-folder-id'],
      });
      return ok(req, folder);
    },
  });

  app.post<{ Params: FileParams; Body: DetailBody; Headers: ShareFolderHeader }>(`${V1}/files/:fileId/detail`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'GetFile', summary: 'Obtaining File Details', params: FileParams, headers: ShareFolderHeader, body: DetailBody, response: { 200: MediaFileReply } },
    handler: async (req) => {
      const file = await domain.files.detail(callerWithOrigin(req, config.publicUrl), req.params.fileId, {
        containerId: req.body.containerId,
        shareFolderId: req.headers['x-hw-share-folder-id'],
      });
      return ok(req, file);
    },
  });

  app.post<{ Params: ListFilesParams; Body: ListFilesBody; Headers: ShareFolderHeader }>(`${V1}/files/:type(^[01]$)`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'GetPersonalFiles', summary: 'Listing Files (type 0 a folder, 1 the recycle bin)', params: ListFilesParams, headers: ShareFolderHeader, body: ListFilesBody, response: { 200: ListFilesReply } },
    handler: async (req) => {
      const b = req.body;
      const page = await domain.files.list(callerWithOrigin(req, config.publicUrl), {
        type: req.params.type === '1' ? 1 : 0,
        containerId: b.containerId,
        shareFolderId: req.headers['x-hw-share-folder-id'],
        parentFileId: b.parentFileId,
        pageSize: b.pageInfo?.pageSize,
        pageCursor: b.pageInfo?.pageCursor || undefined,
        sortType: b.sortInfo?.sortType,
        sortDirection: b.sortInfo?.sortDirection,
        fileType: b.fileType,
      });
      return ok(req, page);
    },
  });

  // The raw body streams to the blob store: this route has its own parser that hands over the stream.
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    raw.post<{ Querystring: UploadQuery; Headers: ShareFolderHeader }>(`${V1}/files/upload`, {
      config: { kooDrive: true },
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        tags,
        operationId: 'UploadFile',
        summary: "One-shot upload (albumd's): the raw body is the file",
        consumes: ['application/octet-stream'],
        querystring: UploadQuery,
        headers: ShareFolderHeader,
        response: { 200: MediaFileReply },
      },
      handler: async (req) => {
        const length = req.headers['content-length'];
        const file = await domain.files.upload(
          callerWithOrigin(req, config.publicUrl),
          {
            ...req.query,
            shareFolderId: req.headers['x-hw-share-folder-id'],
            length: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
          },
          req.body as Readable | undefined,
        );
        return ok(req, file);
      },
    });
  });
}
