import type { DomainDeps } from '../context.js';
import { iso } from '../context.js';
import { invalidParam, notFound, spaceUnavailable } from '../errors.js';
import { normalizePhone } from './credentials.js';

/**
 * decisions.md §9a: what a client needs to find its own spaces after a login. albumd has no
 * directory of users, so each of these answers about the caller only; another user is 13000309.
 */

export interface UserInfo {
  userId: string;
  firstname: string;
  surname: string;
  phone: string;
  email: string;
}

export interface SpaceInfo {
  type: 1;
  status: number;
  ownerId: string;
  containerId: string;
  rootFileId: string;
  /** Bytes; -1 when unlimited. */
  capacity: number;
  spaceUsed: number;
  createTime: string;
  updateTime: string;
}

export interface SpaceUsage {
  /** KB, as the public table says; -1 when unlimited. */
  totalAllocation: number;
  totalCapacity: number;
  totalUsed: number;
  /** GB as a string; "-1" when unlimited. */
  quota: string;
}

const KB = 1024;
const GB = 1024 ** 3;

export function createUserInfoService(deps: DomainDeps) {
  const { store } = deps;

  async function me(userId: string) {
    const user = await store.read.users.findById(userId);
    const space = user ? await store.read.containers.findById(user.container_id) : undefined;
    if (!user || !space) throw notFound();
    return { user, space };
  }

  return {
    /** `GET user/info?userId=|phone=` (userId wins; neither: the caller). */
    async info(callerId: string, query: { userId?: string | undefined; phone?: string | undefined }): Promise<UserInfo> {
      const { user } = await me(callerId);
      if (query.userId !== undefined && query.userId !== '') {
        if (query.userId !== user.id) throw notFound();
      } else if (query.phone !== undefined && query.phone !== '') {
        const phone = normalizePhone(query.phone);
        if (phone === undefined) throw invalidParam('phone', { en: 'must be 6 to 20 digits, optionally after +', zh: '须为 6 到 20 位数字' });
        if (phone !== user.phone) throw notFound();
      }
      return { userId: user.id, firstname: user.name, surname: '', phone: user.phone, email: '' };
    },

    /** `GET space/{ownerId}?type=1[&containerId=]`: the caller's personal space. */
    async space(callerId: string, ownerId: string, query: { type: string; containerId?: string | undefined }): Promise<SpaceInfo> {
      if (query.type !== '1') throw invalidParam('type', { en: 'must be 1 (a personal space)', zh: '须为 1（个人空间）' });
      if (ownerId !== callerId) throw notFound();
      const { user, space } = await me(callerId);
      if (query.containerId !== undefined && query.containerId !== '' && query.containerId !== space.id) throw spaceUnavailable();
      const created = iso(Number(space.created_at));
      return {
        type: 1,
        status: Number(space.status),
        ownerId: user.id,
        containerId: space.id,
        rootFileId: space.root_folder_id,
        capacity: deps.drive.quotaBytes > 0 ? deps.drive.quotaBytes : -1,
        spaceUsed: Number(space.used_bytes),
        createTime: created,
        updateTime: created,
      };
    },

    /** `GET space/usage/overview`: the caller's personal space in KB (quota in GB). */
    async usage(callerId: string): Promise<SpaceUsage> {
      const { space } = await me(callerId);
      const quota = deps.drive.quotaBytes;
      const capacityKb = quota > 0 ? Math.floor(quota / KB) : -1;
      return {
        totalAllocation: capacityKb,
        totalCapacity: capacityKb,
        // Rounded up: a space with a few bytes in it does not read as empty.
        totalUsed: Math.ceil(Number(space.used_bytes) / KB),
        quota: quota > 0 ? String(Math.round((quota / GB) * 100) / 100) : '-1',
      };
    },
  };
}

export type UserInfoService = ReturnType<typeof createUserInfoService>;
