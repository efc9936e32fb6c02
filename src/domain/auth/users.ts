import { newContainerId, newFileId } from '../../ids.js';
import { issuePair, type SessionInfo } from './auth.js';
import type { DomainDeps } from '../context.js';
import { hashPassword, normalizePhone, passwordProblem } from './credentials.js';
import { invalidParam } from '../errors.js';
import { createSpace } from '../drive/spaces.js';

export interface NewUser {
  userId: string;
  containerId: string;
  session: SessionInfo;
}

export function createUserService(deps: DomainDeps) {
  const { store, ids, now } = deps;
  return {
    /** A user with its personal space (and root folder) and a first login session. */
    async create(input: { phone: string; password: string; name?: string }): Promise<NewUser> {
      const phone = normalizePhone(input.phone);
      if (phone === undefined) throw invalidParam('phone', { en: 'must be 6 to 20 digits, optionally after +', zh: '须为 6 到 20 位数字' });
      const problem = passwordProblem(input.password);
      if (problem) throw invalidParam('password', problem);
      const passwordHash = await hashPassword(input.password);
      const userId = await ids.next();
      const containerId = newContainerId();
      const rootId = newFileId();
      return store.write(async (repos) => {
        if (await repos.users.findByPhone(phone)) throw invalidParam('phone', { en: 'is already registered', zh: '已注册' });
        const t = now();
        await repos.users.insert({
          id: userId,
          phone,
          password_hash: passwordHash,
          name: input.name ?? phone,
          container_id: containerId,
          created_at: t,
        });
        await createSpace(repos, { containerId, kind: 'personal', ownerId: userId, rootFolderId: rootId, creatorId: userId, at: t });
        const session = await issuePair(repos, userId, t, deps.accessTokenTtlSeconds);
        return { userId, containerId, session };
      });
    },
  };
}
