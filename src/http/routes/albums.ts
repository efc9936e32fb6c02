import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Domain } from '../../domain/index.js';
import { callerOf } from '../auth.js';
import { callerWithOrigin } from '../caller.js';
import { ok } from '../reply.js';
import { OkReply } from '../schemas/common.js';
import {
  AlbumParams,
  CreateAlbumBody,
  CreateAlbumReply,
  ListAlbumsQuery,
  ListAlbumsReply,
  UpdateAlbumBody,
  AddContentBody,
  ListContentQuery,
  ListContentReply,
  RemoveContentBody,
} from '../schemas/albums.js';

const V1 = '/koodrive/ose/v1';
const kooDrive = { kooDrive: true };
const tags = ['Albums'];

export function albumRoutes(app: FastifyInstance, domain: Domain, config: Config): void {
  app.post<{ Body: CreateAlbumBody }>(`${V1}/album/create`, {
    config: kooDrive,
    schema: { tags, operationId: 'CreateAlbum', summary: 'Creating an Album', body: CreateAlbumBody, response: { 200: CreateAlbumReply } },
    handler: async (req) => {
      const b = req.body;
      const albumId = await domain.albums.create(callerOf(req), {
        ...b,
        groupId: b.groupId ?? undefined,
        shareFolderId: b.shareFolderId ?? undefined,
        containerId: b.containerId ?? undefined,
      });
      return ok(req, { albumId });
    },
  });

  // KooDrive's path, and albumd's alias with the /album segment: the same operation, documented once
  // (OpenAPI has one operation per path and method; the alias is named in the description).
  for (const [path, hide] of [
    [`${V1}/:albumId/update`, false],
    [`${V1}/album/:albumId/update`, true],
  ] as const) {
    app.post<{ Params: AlbumParams; Body: UpdateAlbumBody | undefined }>(path, {
      config: kooDrive,
      schema: {
        tags,
        operationId: 'UpdateAlbum',
        summary: 'Updating an Album',
        description: `Also served as \`POST ${V1}/album/{albumId}/update\` (albumd's alias).`,
        hide,
        params: AlbumParams,
        body: UpdateAlbumBody,
        response: { 200: OkReply },
      },
      handler: async (req) => {
        await domain.albums.update(callerOf(req), req.params.albumId, req.body ?? {});
        return ok(req);
      },
    });
  }

  app.delete<{ Params: AlbumParams }>(`${V1}/album/:albumId`, {
    config: kooDrive,
    schema: { tags, operationId: 'DeleteAlbum', summary: 'Deleting an Album', params: AlbumParams, response: { 200: OkReply } },
    handler: async (req) => {
      await domain.albums.delete(callerOf(req), req.params.albumId);
      return ok(req);
    },
  });

  app.get<{ Querystring: ListAlbumsQuery }>(`${V1}/album/list`, {
    config: kooDrive,
    schema: { tags, operationId: 'ListAlbums', summary: 'Viewing an Album (the album list)', querystring: ListAlbumsQuery, response: { 200: ListAlbumsReply } },
    handler: async (req) => ok(req, await domain.albums.list(callerWithOrigin(req, config.publicUrl), req.query)),
  });

  app.get<{ Params: AlbumParams; Querystring: ListContentQuery }>(`${V1}/album/:albumId/list`, {
    config: kooDrive,
    schema: { tags, operationId: 'ListAlbumContent', summary: 'Listing Album Files', params: AlbumParams, querystring: ListContentQuery, response: { 200: ListContentReply } },
    handler: async (req) => ok(req, await domain.albumContent.list(callerWithOrigin(req, config.publicUrl), req.params.albumId, req.query)),
  });

  app.post<{ Params: AlbumParams; Body: AddContentBody }>(`${V1}/album/:albumId/add`, {
    config: kooDrive,
    schema: { tags, operationId: 'BatchAddContent2Album', summary: 'Adding Album Content (manual albums)', params: AlbumParams, body: AddContentBody, response: { 200: OkReply } },
    handler: async (req) => {
      await domain.albumContent.add(callerWithOrigin(req, config.publicUrl), req.params.albumId, req.body.fileIds);
      return ok(req);
    },
  });

  for (const [path, hide] of [
    [`${V1}/:albumId/batchDelete`, false],
    [`${V1}/album/:albumId/batchDelete`, true],
  ] as const) {
    app.delete<{ Params: AlbumParams; Body: RemoveContentBody }>(path, {
      config: kooDrive,
      schema: {
        tags,
        operationId: 'BatchDeleteAlbumContent',
        summary: 'Deleting Album Contents in Batches (manual albums; the files stay)',
        description: `A DELETE with a JSON body. Also served as \`DELETE ${V1}/album/{albumId}/batchDelete\` (albumd's alias).`,
        hide,
        params: AlbumParams,
        body: RemoveContentBody,
        response: { 200: OkReply },
      },
      handler: async (req) => {
        await domain.albumContent.remove(callerWithOrigin(req, config.publicUrl), req.params.albumId, req.body.ids);
        return ok(req);
      },
    });
  }
}
