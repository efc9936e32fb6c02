import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Domain } from '../../domain/index.js';
import { callerWithOrigin } from '../caller.js';
import { ok } from '../reply.js';
import { FileParams, JobBody, JobReply, JobsQuery, JobsReply, MediaFileReply, RenameBody, ShareFolderHeader } from '../schemas/files.js';

const V1 = '/koodrive/ose/v1';
const tags = ['Files'];

export function jobRoutes(app: FastifyInstance, domain: Domain, config: Config): void {
  app.post<{ Body: JobBody; Headers: ShareFolderHeader }>(`${V1}/jobs`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'CreateJob', summary: 'Creating a Batch Task (recycle, delete, move, restore, empty)', headers: ShareFolderHeader, body: JobBody, response: { 200: JobReply } },
    handler: async (req) => {
      const b = req.body;
      const result = await domain.jobs.create(callerWithOrigin(req, config.publicUrl), {
        taskType: b.taskType,
        actionType: b.actionType,
        fileIds: (b.taskInfo.fileInfo ?? []).map((f) => f.fileId),
        srcContainerId: b.taskInfo.srcContainerId,
        dstContainerId: b.dstContainerId,
        dstFolder: b.taskInfo.dstFolderId || b.taskInfo.newFilePath,
        shareFolderId: req.headers['x-hw-share-folder-id'],
      });
      return ok(req, result);
    },
  });

  app.get<{ Querystring: JobsQuery }>(`${V1}/jobs`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'GetJobList', summary: 'Listing Batch Tasks', querystring: JobsQuery, response: { 200: JobsReply } },
    handler: async (req) => {
      const q = req.query;
      const filter = { ...(q.type !== undefined ? { taskType: q.type } : {}), ...(q.status !== undefined ? { status: q.status } : {}) };
      return ok(req, await domain.jobs.list(callerWithOrigin(req, config.publicUrl), filter, q.offset, q.limit));
    },
  });

  app.post<{ Params: FileParams; Body: RenameBody; Headers: ShareFolderHeader }>(`${V1}/files/rename/:fileId`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'RenameFile', summary: 'Renaming a File', params: FileParams, headers: ShareFolderHeader, body: RenameBody, response: { 200: MediaFileReply } },
    handler: async (req) => {
      const file = await domain.files.rename(callerWithOrigin(req, config.publicUrl), req.params.fileId, {
        ...req.body,
        shareFolderId: req.headers['x-hw-share-folder-id'],
      });
      return ok(req, file);
    },
  });
}
