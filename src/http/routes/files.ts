import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { callerOf } from '../auth.js';
import { ok } from '../reply.js';
import { CreateDirectoryBody, FileReply, ShareFolderHeader } from '../schemas/files.js';

const V1 = '/koodrive/ose/v1';
const tags = ['Files'];

export function fileRoutes(app: FastifyInstance, domain: Domain): void {
  app.post<{ Body: CreateDirectoryBody; Headers: ShareFolderHeader }>(`${V1}/directory`, {
    config: { kooDrive: true },
    schema: { tags, summary: 'Adding a File Directory', headers: ShareFolderHeader, body: CreateDirectoryBody, response: { 200: FileReply } },
    handler: async (req) => {
      const folder = await domain.folders.create(callerOf(req), {
        ...req.body,
        shareFolderId: req.headers['x-hw-share-folder-id'],
      });
      return ok(req, folder);
    },
  });
}
