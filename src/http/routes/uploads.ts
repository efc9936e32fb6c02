import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import type { Domain } from '../../domain/index.js';
import { callerWithOrigin } from '../caller.js';
import { ok } from '../reply.js';
import { OkReply } from '../schemas/common.js';
import {
  AbortBody,
  CompleteBody,
  CreateUploadBody,
  CreateUploadReply,
  FileParams,
  MediaFileReply,
  PartQuery,
  ShareFolderHeader,
  UploadUrlBody,
  UploadUrlReply,
} from '../schemas/files.js';

const V1 = '/koodrive/ose/v1';
const tags = ['Uploads'];

/** The three-step upload: create → PUT each part to its signed URL → complete. */
export function uploadRoutes(app: FastifyInstance, domain: Domain, config: Config): void {
  app.post<{ Body: CreateUploadBody; Headers: ShareFolderHeader }>(`${V1}/files/create`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'CreateFile', summary: 'Creating File Metadata (upload step 1; rapid upload when the content is known)', headers: ShareFolderHeader, body: CreateUploadBody, response: { 200: CreateUploadReply } },
    handler: async (req) => {
      const b = req.body;
      const answer = await domain.uploads.create(callerWithOrigin(req, config.publicUrl), {
        ...b,
        parentFolder: b.parentFolder?.[0],
        shareFolderId: req.headers['x-hw-share-folder-id'],
      });
      return ok(req, answer);
    },
  });

  app.post<{ Body: UploadUrlBody }>(`${V1}/files/multipart/uploadUrl`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'UploadUrl', summary: 'Obtaining Upload Links (signed again, valid 1 h)', body: UploadUrlBody, response: { 200: UploadUrlReply } },
    handler: async (req) => {
      const b = req.body;
      const numbers = (b.multiParts ?? []).map((p) => p.partNumber);
      return ok(req, await domain.uploads.uploadUrls(callerWithOrigin(req, config.publicUrl), b.fileId, b.uploadId, numbers));
    },
  });

  app.post<{ Body: CompleteBody; Headers: ShareFolderHeader }>(`${V1}/files/complete`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'CompleteFile', summary: 'Checking Whether File Upload Is Completed (parts, length and sha256)', headers: ShareFolderHeader, body: CompleteBody, response: { 200: MediaFileReply } },
    handler: async (req) => {
      const file = await domain.uploads.complete(callerWithOrigin(req, config.publicUrl), { ...req.body, shareFolderId: req.headers['x-hw-share-folder-id'] });
      return ok(req, file);
    },
  });

  app.post<{ Body: AbortBody }>(`${V1}/files/abort`, {
    config: { kooDrive: true },
    schema: {
      tags,
      operationId: 'AbortUpload',
      summary: "Abandoning an unfinished upload (albumd's)",
      description: 'Its parts go and its length stops counting against the quota.',
      body: AbortBody, response: { 200: OkReply } },
    handler: async (req) => {
      await domain.uploads.abort(callerWithOrigin(req, config.publicUrl), req.body);
      return ok(req);
    },
  });

  // Parts arrive raw; the signed URL is the credential.
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    raw.put<{ Params: FileParams; Querystring: PartQuery }>(`${V1}/files/:fileId/part`, {
      config: { kooDrive: true, public: true, media: true },
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        tags,
        operationId: 'UploadPart',
        summary: 'Uploading a part: PUT to the uploadUrl of files/create or files/multipart/uploadUrl',
        description: 'The signed URL is the credential (no KooDrive headers). The body is exactly the part\'s bytes; the answer\'s `ETag` is their hex sha256.',
        consumes: ['application/octet-stream'],
        params: FileParams,
        querystring: PartQuery,
        response: { 200: OkReply },
      },
      handler: async (req, reply) => {
        const body = (req.body as Readable | undefined) ?? Readable.from([]);
        const { etag } = await domain.uploads.putPart(req.params.fileId, req.query, body);
        reply.header('etag', etag);
        return ok(req);
      },
    });
  });
}
