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
  UserStatus,
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
    /**
     * The header gate of decisions.md §3, in its order: token, then X-User-Id, then X-Date. The token
     * is read with its user's status in one statement: a disabled (or deleted) user's token fails at once.
     */
    async authenticate(headers: AuthHeaders): Promise<{ userId: string }> {
      const hex = tokenFromAuthorization(headers.authorization);
      if (hex === undefined) throw unauthenticated();
      const hash = hashToken(hex);
      const row = await store.read.tokens.findByHash(hash);
      const t = now();
      if (
        !row ||
        !sameHash(row.hash, hash) ||
        row.kind !== 'access' ||
        row.revoked !== 0 ||
        Number(row.expires_at) <= t ||
        row.user_status !== UserStatus.Enabled
      ) {
        throw unauthenticated();
      }
      if (headers.userId === undefined || headers.userId.trim() !== row.user_id) {
        throw new AppError(ErrorCode.UserMismatch);
      }
      if (!xDateAcceptable(headers.xDate, t, deps.xDateToleranceSeconds)) throw new AppError(ErrorCode.BadDate);
      return { userId: row.user_id };
    },

    /**
     * A wrong password, an unknown account and a disabled user get the same answer (13001001), after
     * the same work. The user is read again inside the write that issues the pair: a login racing a
     * `user disable`, `user passwd` or `user delete` either commits first (and that command then
     * revokes or deletes its tokens) or finds the change and issues nothing.
     */
    async login(account: string, password: string) {
      const phone = normalizePhone(account);
      const user = phone === undefined ? undefined : await store.read.users.findByPhone(phone);
      const valid = await verifyPassword(password, user?.password_hash);
      if (!user || !valid || user.status !== UserStatus.Enabled) throw unauthenticated();
      const session = await store.write(async (repos) => {
        const current = await repos.users.findById(user.id);
        if (!current || current.status !== UserStatus.Enabled || current.password_hash !== user.password_hash) return undefined;
        return issuePair(repos, user.id, now(), deps.accessTokenTtlSeconds);
      });
      if (!session) throw unauthenticated();
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
        // A disabled user's refresh tokens were revoked with the disable; the status is checked all the same.
        if (!row || row.kind !== 'refresh' || Number(row.expires_at) <= t || row.user_status !== UserStatus.Enabled) return undefined;
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

    /** For bin/albumd: a fresh login session for a user (an enabled one: checked in the write that issues it). */
    async issueFor(userId: string): Promise<SessionInfo> {
      return store.write(async (repos) => {
        const user = await repos.users.findById(userId);
        if (!user) throw notFound();
        if (user.status !== UserStatus.Enabled) throw new AppError(ErrorCode.Forbidden, { en: 'The user is disabled (bin/albumd user enable).', zh: '该用户已停用（bin/albumd user enable）。' });
        return issuePair(repos, userId, now(), deps.accessTokenTtlSeconds);
      });
    },

    /**
     * Forgets tokens expired a day ago or more (hourly, with the sweep): they can do nothing any
     * more, and the session count and token lookups stay small however long albumd runs.
     */
    async forgetExpired(): Promise<void> {
      await store.write((repos) => repos.tokens.deleteExpired(now() - 24 * 3600_000));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
