import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Domain } from '../../domain/index.js';
import { invalidParam } from '../../domain/errors.js';
import { callerOf } from '../auth.js';
import { ok } from '../reply.js';
import { OkReply } from '../schemas/common.js';
import { LoginBody, LoginReply, LogoutBody, RefreshBody, RefreshReply } from '../schemas/auth.js';

const V1 = '/koodrive/ose/v1';
const tags = ['Auth'];

export function authRoutes(app: FastifyInstance, domain: Domain, config: Config): void {
  // Password guessing is limited per client address, before any account is looked up.
  const loginLimit =
    config.rateLimit.loginMax > 0
      ? { rateLimit: { max: config.rateLimit.loginMax, timeWindow: config.rateLimit.windowMs, keyGenerator: (req: { ip: string }) => `login:${req.ip}` } }
      : {};

  app.post<{ Body: LoginBody }>(`${V1}/auth/login`, {
    config: { kooDrive: true, public: true, ...loginLimit },
    schema: { tags, operationId: 'Login', summary: 'Login (account and password)', body: LoginBody, response: { 200: LoginReply } },
    handler: async (req) => {
      if (req.body.authType !== '1') throw invalidParam('authType', { en: 'only 1 (account and password) is offered', zh: '仅支持 1（账号密码）' });
      const { user, session } = await domain.auth.login(req.body.account, req.body.password ?? '');
      const userInfo = { userId: user.id, firstname: user.name, surname: '', phone: user.phone, email: '' };
      return ok(req, { data: { userInfo, sessionInfo: session } });
    },
  });

  app.post<{ Body: RefreshBody }>(`${V1}/auth/refreshToken`, {
    config: { kooDrive: true, public: true },
    schema: { tags, operationId: 'RefreshToken', summary: 'Refresh Token (a new pair; the old one is retired)', body: RefreshBody, response: { 200: RefreshReply } },
    handler: async (req) => {
      const session = await domain.auth.refresh(req.body.refreshToken);
      return ok(req, { data: { ...session, sessionInfo: session } });
    },
  });

  app.post<{ Body: LogoutBody }>(`${V1}/auth/logout`, {
    config: { kooDrive: true },
    schema: { tags, operationId: 'Logout', summary: 'Logout (revokes a token pair)', body: LogoutBody, response: { 200: OkReply } },
    handler: async (req) => {
      await domain.auth.logout(callerOf(req), req.body.userId, req.body.accessToken);
      return ok(req);
    },
  });
}
