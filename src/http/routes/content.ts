import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Domain } from '../../domain/index.js';
import { catalogueMessage, successMessage } from '../../domain/errors.js';
import { callerWithOrigin } from '../caller.js';
import { contentDisposition } from '../byte-headers.js';
import { ok } from '../reply.js';
import { DownloadBody, DownloadReply, FileParams, ShareFolderHeader, SignedQuery, ThumbnailQuery } from '../schemas/files.js';

const V1 = '/koodrive/ose/v1';
const tags = ['Files'];

/** Download links and the signed GET behind them (Range, HEAD, access checked again). */
export function contentRoutes(app: FastifyInstance, domain: Domain, config: Config): void {
  app.post<{ Body: DownloadBody; Headers: ShareFolderHeader }>(`${V1}/files/download`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'GetDownLoadUrl', summary: 'Obtaining Download Links', headers: ShareFolderHeader, body: DownloadBody, response: { 200: DownloadReply } },
    handler: async (req) => {
      const result = await domain.content.downloadLinks(
        callerWithOrigin(req, config.publicUrl),
        { containerId: req.body.containerId, shareFolderId: req.headers['x-hw-share-folder-id'] },
        req.body.fileIds,
      );
      const downloads = result.downloads.map((d) => ({
        ...d,
        msg: d.code === 0 ? successMessage[req.lang] : catalogueMessage(d.code as Parameters<typeof catalogueMessage>[0], req.lang),
      }));
      return ok(req, { batchCode: result.batchCode, downloads });
    },
  });

  app.get<{ Params: FileParams; Querystring: SignedQuery }>(`${V1}/files/:fileId/content`, {
    config: { kooDrive: true, public: true, media: true },
    schema: {
      tags,
      operationId: 'GetFileContent',
      summary: "Downloading a file (albumd's): the signed URL of files/download",
      description: 'The URL is the credential (no KooDrive headers). `Range` is honoured (206 with `Content-Range`), and `HEAD` answers the headers alone.',
      params: FileParams,
      querystring: SignedQuery,
      produces: ['application/octet-stream'],
    },
    handler: async (req, reply) => {
      const content = await domain.content.content(req.params.fileId, req.query, req.headers.range);
      const { file, size, range } = content;
      reply
        .header('cache-control', 'private, max-age=3600')
        .header('accept-ranges', 'bytes')
        .header('etag', `"${file.sha256}"`)
        .header('content-disposition', contentDisposition(file.name, file.mime_type))
        .type(file.mime_type);
      if (range) {
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
      } else {
        reply.header('content-length', size);
      }
      return reply.send(content.open(range));
    },
  });

  // With the KooDrive headers, or as a signed URL (thumbnailUrl): either is the credential.
  app.get<{ Params: FileParams; Querystring: ThumbnailQuery }>(`${V1}/files/:fileId/thumbnail`, {
    config: { kooDrive: true, public: true, media: true, acceptsToken: true },
    schema: {
      tags,
      operationId: 'GetThumbnail',
      summary: "A file's thumbnail (albumd's): s 256, m 720, l 1440 px long edge",
      description: 'With the KooDrive headers, or as the signed `thumbnailUrl` of a listing (then no headers).',
      params: FileParams,
      querystring: ThumbnailQuery,
      produces: ['image/jpeg'],
    },
    handler: async (req, reply) => {
      const q = req.query;
      const size = q.size ?? 'm';
      const who =
        q.sig !== undefined
          ? { signed: { uid: q.uid, exp: q.exp, sig: q.sig, size } }
          : await domain.auth.authenticate({
              authorization: req.headers.authorization,
              userId: req.headers['x-user-id'] as string | undefined,
              xDate: req.headers['x-date'] as string | undefined,
            });
      const thumb = await domain.thumbnails.open(req.params.fileId, size, who);
      return reply
        .header('cache-control', 'private, max-age=3600')
        .header('etag', `"${thumb.sha256}-${size}"`)
        .type('image/jpeg')
        .send(thumb.stream);
    },
  });
}
