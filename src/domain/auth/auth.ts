import { randomUUID } from 'node:crypto';
import { newTokenHex } from '../../ids.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { DomainDeps } from '../context.js';
import { AppError, ErrorCode, invalidParam, notFound, unauthenticated } from '../errors.js';
import {
  hashToken,
  normalizePhone,
  sameHash,
  tokenFromAuthorization,
  tokenFromValue,
  verifyPassword,
  xDateAcceptable,
} from './credentials.js';

const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;

export interface SessionInfo {
  accessToken: string;
  expiresIn: number;
  issuedAt: string;
  refreshToken: string;
}

export interface AuthHeaders {
  authorization: string | undefined;
  userId: string | undefined;
  xDate: string | undefined;
}

/** Writes a new access/refresh pair of a login session and returns it in the public form. */
export async function issuePair(repos: Repositories, userId: string, now: number, accessTtlSeconds: number, sessionId: string = randomUUID()): Promise<SessionInfo> {
  const access = newTokenHex();
  const refresh = newTokenHex();
  const pairId = randomUUID();
  const base = { user_id: userId, session_id: sessionId, pair_id: pairId, created_at: now };
  await repos.tokens.insert([
    { ...base, hash: hashToken(access), kind: 'access', expires_at: now + accessTtlSeconds * 1000 },
    { ...base, hash: hashToken(refresh), kind: 'refresh', expires_at: now + REFRESH_TTL_MS },
  ]);
  return { accessToken: `AT ${access}`, expiresIn: accessTtlSeconds, issuedAt: String(now), refreshToken: refresh };
}

export function createAuthService(deps: DomainDeps) {
  const { store, now } = deps;

  return {
    /** The header gate of decisions.md §3, in its order: token, then X-User-Id, then X-Date. */
    async authenticate(headers: AuthHeaders): Promise<{ userId: string }> {
      const hex = tokenFromAuthorization(headers.authorization);
      if (hex === undefined) throw unauthenticated();
      const hash = hashToken(hex);
      const row = await store.read.tokens.findByHash(hash);
      const t = now();
      if (!row || !sameHash(row.hash, hash) || row.kind !== 'access' || row.revoked !== 0 || Number(row.expires_at) <= t) {
        throw unauthenticated();
      }
      if (headers.userId === undefined || headers.userId.trim() !== row.user_id) {
        throw new AppError(ErrorCode.UserMismatch);
      }
      if (!xDateAcceptable(headers.xDate, t, deps.xDateToleranceSeconds)) throw new AppError(ErrorCode.BadDate);
      return { userId: row.user_id };
    },

    async login(account: string, password: string) {
      const phone = normalizePhone(account);
      const user = phone === undefined ? undefined : await store.read.users.findByPhone(phone);
      const valid = await verifyPassword(password, user?.password_hash);
      if (!user || !valid) throw unauthenticated();
      const session = await store.write((repos) => issuePair(repos, user.id, now(), deps.accessTokenTtlSeconds));
      return { user, session };
    },

    /** Rotation: a refresh token works once; a second use revokes the whole login (theft signal). */
    async refresh(refreshToken: string): Promise<SessionInfo> {
      const hex = tokenFromValue(refreshToken);
      if (hex === undefined) throw unauthenticated();
      const hash = hashToken(hex);
      const outcome = await store.write(async (repos) => {
        const row = await repos.tokens.findByHash(hash);
        const t = now();
        if (!row || row.kind !== 'refresh' || Number(row.expires_at) <= t) return undefined;
        if (row.used !== 0 || row.revoked !== 0 || !(await repos.tokens.markUsed(hash))) {
          if (row.used !== 0) await repos.tokens.revokeSession(row.session_id);
          return undefined;
        }
        await repos.tokens.revokePair(row.pair_id);
        return issuePair(repos, row.user_id, t, deps.accessTokenTtlSeconds, row.session_id);
      });
      if (!outcome) throw unauthenticated();
      return outcome;
    },

    /** Revokes the pair of the given access token, which must be the caller's own. */
    async logout(callerId: string, userId: string, accessToken: string): Promise<void> {
      if (userId !== callerId) throw invalidParam('userId', { en: 'must be the caller', zh: '必须是调用者本人' });
      const hex = tokenFromValue(accessToken);
      if (hex === undefined) throw invalidParam('accessToken', { en: 'must be an access token', zh: '必须是访问令牌' });
      const hash = hashToken(hex);
      await store.write(async (repos) => {
        const row = await repos.tokens.findByHash(hash);
        if (!row || row.user_id !== callerId || row.kind !== 'access') throw notFound();
        await repos.tokens.revokePair(row.pair_id);
      });
    },

    /** For bin/albumd: a fresh login session for a user. */
    async issueFor(userId: string): Promise<SessionInfo> {
      const user = await store.read.users.findById(userId);
      if (!user) throw notFound();
      return store.write((repos) => issuePair(repos, userId, now(), deps.accessTokenTtlSeconds));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
