import type { InvitationRow, Repositories } from '../../db/repositories/index.js';
import { iso, type DomainDeps } from '../context.js';
import { maskPhone, normalizePhone, UserStatus } from '../auth/credentials.js';
import { AppError, ErrorCode, forbidden, invalidParam, limitReached, notFound, rules } from '../errors.js';
import { ownerOnly } from './families.js';
import { familyByGroup } from '../drive/spaces.js';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
export const InviteStatus = { Pending: 0, Accepted: 1, Declined: 2, Expired: 3 } as const;

/** `inviteList` detail: what the owner sees of its invitations. */
export interface InviteeDetail {
  inviteId: string;
  mobile: string;
  status: number;
  createTime: string;
  expireTime: string;
}

/** `memberList` entry: a member as the family's other members see it. */
export interface FamilyMember {
  userId: string;
  name: string;
  phone: string;
  role: 'owner' | 'member';
  joinTime: string;
}

/** `inviteConfrimList` detail: an invitation waiting for the caller's number. */
export interface InviteeConfirmDetail {
  inviteId: string;
  groupId: string;
  shareFolderId: string;
  name: string;
  inviterPhone: string;
  createTime: string;
  expireTime: string;
}

const alreadyThere = (): AppError => new AppError(ErrorCode.AlreadyMember);

/** What members see of each other's numbers: never enough to dial, short numbers included. */
function maskedForMembers(phone: string): string {
  const masked = maskPhone(phone);
  return masked !== phone ? masked : `****${phone.slice(-2)}`;
}

/** A user made without a name is named by its number (in whatever form it was typed). */
function looksLikeTheirNumber(name: string, phone: string): boolean {
  const digits = name.replace(/\D/g, '');
  const own = phone.replace(/\D/g, '');
  return /^[\d\s()+.-]+$/.test(name) && digits.length > 0 && (own.endsWith(digits) || digits.endsWith(own.replace(/^0+/, '')));
}

export function createInvitationService(deps: DomainDeps) {
  const { store, ids, now } = deps;

  const familyFull = async (repos: Repositories, groupId: string, maxMember: number): Promise<boolean> =>
    (await repos.families.memberCount(groupId)) >= maxMember;

  const statusOf = (row: InvitationRow, t: number): number =>
    row.status === InviteStatus.Pending && Number(row.expires_at) <= t ? InviteStatus.Expired : row.status;

  return {
    /**
     * `invite/{groupId}`: the owner invites a phone number. The answer is the same whether or not
     * the number belongs to a user; the invitation waits for whoever holds it, now or later.
     */
    async invite(userId: string, groupId: string, mobile: string): Promise<{ inviteId: string }> {
      const phone = normalizePhone(mobile);
      if (phone === undefined) throw invalidParam('mobile', { en: 'must be 6 to 20 digits, optionally after + or 00', zh: '须为 6 到 20 位数字' });
      const inviteId = await ids.next();
      await store.write(async (repos) => {
        const family = ownerOnly(await familyByGroup(repos, userId, groupId), userId);
        const t = now();
        const holder = await repos.users.findByPhone(phone);
        if (holder && (await repos.families.isMember(family.group_id, holder.id))) throw alreadyThere();
        if (await repos.invitations.pending(family.group_id, phone, t)) throw alreadyThere();
        if (await familyFull(repos, family.group_id, Number(family.max_member))) throw limitReached();
        await repos.invitations.insert({
          id: inviteId,
          group_id: family.group_id,
          mobile: phone,
          inviter_id: userId,
          status: InviteStatus.Pending,
          created_at: t,
          expires_at: t + INVITATION_TTL_MS,
        });
      });
      return { inviteId };
    },

    /**
     * `memberList/{groupId}` (albumd's, not KooDrive's): who is in the family, for every member of it
     * (anyone else learns nothing: 13000309). Numbers are masked as invitations show them.
     */
    async members(userId: string, groupId: string): Promise<{ members: FamilyMember[] }> {
      const repos = store.read;
      const family = await familyByGroup(repos, userId, groupId);
      const rows = await repos.families.members(family.group_id);
      return {
        members: rows.map((r) => ({
          userId: r.user_id,
          name: looksLikeTheirNumber(r.name, r.phone) ? maskedForMembers(r.phone) : r.name,
          phone: maskedForMembers(r.phone),
          role: r.user_id === r.owner_id ? 'owner' : 'member',
          joinTime: iso(Number(r.joined_at)),
        })),
      };
    },

    /** `inviteList/{groupId}`: the owner's view of its family's invitations, numbers masked. */
    async list(userId: string, groupId: string): Promise<{ details: InviteeDetail[] }> {
      const repos = store.read;
      const family = ownerOnly(await familyByGroup(repos, userId, groupId), userId);
      const t = now();
      const rows = await repos.invitations.ofFamily(family.group_id);
      return {
        details: rows.map((r) => ({
          inviteId: r.id,
          mobile: maskPhone(r.mobile),
          status: statusOf(r, t),
          createTime: iso(Number(r.created_at)),
          expireTime: iso(Number(r.expires_at)),
        })),
      };
    },

    /** `inviteConfrimList`: pending invitations for the caller's number. */
    async waiting(userId: string): Promise<{ details: InviteeConfirmDetail[] }> {
      const repos = store.read;
      const user = await repos.users.findById(userId);
      if (!user) return { details: [] };
      const rows = await repos.invitations.waitingFor(user.phone, now());
      return {
        details: rows.map((r) => ({
          inviteId: r.id,
          groupId: r.group_id,
          shareFolderId: r.share_folder_id,
          name: r.name,
          inviterPhone: maskPhone(r.inviter_phone),
          createTime: iso(Number(r.created_at)),
          expireTime: iso(Number(r.expires_at)),
        })),
      };
    },

    /** `inviteConfirm/{groupId}`: 1 joins, 0 declines; only a pending invitation of the caller's number. */
    async confirm(userId: string, groupId: string, input: { inviteId: string; confirm: number }): Promise<void> {
      if (input.confirm !== 0 && input.confirm !== 1) throw invalidParam('confirm', rules.oneOf([0, 1]));
      await store.write(async (repos) => {
        const t = now();
        const invitation = await repos.invitations.findById(input.inviteId);
        const user = await repos.users.findById(userId);
        if (!invitation || !user || invitation.group_id !== groupId || invitation.mobile !== user.phone || statusOf(invitation, t) !== InviteStatus.Pending) {
          throw notFound();
        }
        const family = await repos.families.findByGroupId(groupId);
        if (!family) throw notFound();
        if (input.confirm === 0) {
          await repos.invitations.setStatus(invitation.id, InviteStatus.Declined);
          return;
        }
        // A disabled owner's family takes no new members: a `user delete` under way checked who
        // is in it, and a newcomer's photos must not go with it.
        const owner = await repos.users.findById(family.owner_id);
        if (!owner || Number(owner.status) !== UserStatus.Enabled) throw notFound();
        if (await repos.families.isMember(groupId, userId)) throw alreadyThere();
        if (await familyFull(repos, groupId, Number(family.max_member))) throw limitReached();
        await repos.families.addMember(groupId, userId, t);
        await repos.invitations.setStatus(invitation.id, InviteStatus.Accepted);
      });
    },

    /**
     * `deleteMember`: the owner removes a member, or a member leaves (deleteUserId = itself). The
     * owner cannot leave: it deletes the family instead. Access ends with the membership row.
     */
    async removeMember(userId: string, input: { ownerId: string; groupId: string; deleteUserId: string }): Promise<void> {
      if (input.ownerId !== userId) throw invalidParam('ownerId', { en: "must be the caller's user ID", zh: '须为调用者的用户 ID' });
      const dropped = await store.write(async (repos) => {
        const family = await familyByGroup(repos, userId, input.groupId);
        if (input.deleteUserId === userId) {
          if (family.owner_id === userId) throw forbidden();
        } else {
          if (family.owner_id !== userId) throw forbidden();
          if (!(await repos.families.isMember(family.group_id, input.deleteUserId))) throw notFound();
        }
        await repos.families.removeMember(family.group_id, input.deleteUserId);
        // Its unfinished uploads into the family end with it: they no longer hold the family's quota.
        return repos.uploads.dropInContainer(family.container_id, input.deleteUserId);
      });
      for (const id of dropped) await deps.blobs.discardUpload(id);
    },
  };
}
