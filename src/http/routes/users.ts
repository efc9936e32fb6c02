import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { callerOf } from '../auth.js';
import { ok } from '../reply.js';
import { SpaceInfoReply, SpaceParams, SpaceQuery, SpaceUsageReply, UserInfoQuery, UserInfoReply } from '../schemas/users.js';

const V1 = '/koodrive/ose/v1';
const kooDrive = { kooDrive: true };
const tags = ['Users and spaces'];

export function userRoutes(app: FastifyInstance, domain: Domain): void {
  app.get<{ Querystring: UserInfoQuery }>(`${V1}/user/info`, {
    config: kooDrive,
    schema: { tags, operationId: 'GetUserInfo', summary: 'Querying User Information (the caller only)', querystring: UserInfoQuery, response: { 200: UserInfoReply } },
    handler: async (req) => ok(req, { data: await domain.userInfo.info(callerOf(req), req.query) }),
  });

  // `space/usage/overview` beside `space/{ownerId}`: the router prefers the static path.
  app.get(`${V1}/space/usage/overview`, {
    config: kooDrive,
    schema: { tags, operationId: 'GetSpaceUsageByOverview', summary: "Querying Space Usage Overview (the caller's personal space)", response: { 200: SpaceUsageReply } },
    handler: async (req) => ok(req, { data: await domain.userInfo.usage(callerOf(req)) }),
  });

  app.get<{ Params: SpaceParams; Querystring: SpaceQuery }>(`${V1}/space/:ownerId`, {
    config: kooDrive,
    schema: { tags, operationId: 'GetSpace', summary: "Querying Space Information (the caller's personal space)", params: SpaceParams, querystring: SpaceQuery, response: { 200: SpaceInfoReply } },
    handler: async (req) => ok(req, { data: await domain.userInfo.space(callerOf(req), req.params.ownerId, req.query) }),
  });
}
