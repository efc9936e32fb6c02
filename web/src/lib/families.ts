import { ApiError, type Client } from './api.js';
import { language } from './i18n.js';
import type {
  Album,
  AlbumList,
  Confirm,
  ConfirmList,
  CreateFamily,
  CreateFamilyResult,
  DeleteFamily,
  DeleteMember,
  Family,
  FamilyList,
  FamilyMetadata,
  InviteList,
  InviteResult,
  MemberList,
  RenameFamily,
} from './types.js';
import { fw } from './words/families.js';

/**
 * Families through the public API: sharefolder/* for the family itself, usergroupsInvite/* for
 * invitations and members. The API decides who may do what; the view only hides what it knows the
 * caller may not do, and shows every refusal in words.
 */

/** An invitation waiting for the caller's number (inviteConfrimList). */
export type Invitation = ConfirmList['details'][number];
/** An invitation the owner sent (inviteList/{groupId}): masked number and status. */
export type Invitee = InviteList['details'][number];
/** A member of a family as every member sees it (memberList/{groupId}): name, masked number, role. */
export type Member = MemberList['members'][number];

const enc = encodeURIComponent;

/** Every family the caller owns or belongs to, oldest first (the API pages by offset). */
export async function myFamilies(api: Client): Promise<Family[]> {
  const out: Family[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await api.call<FamilyList>('GET', `/sharefolder/list?offset=${offset}&limit=100&queryType=0`);
    out.push(...page.folders);
    if (page.folders.length < 100 || out.length >= page.total) return out;
  }
}

export async function familyOf(api: Client, shareFolderId: string): Promise<Family> {
  return (await api.call<FamilyMetadata>('GET', `/sharefolder/metadata/${enc(shareFolderId)}`)).sharefolder;
}

/** `containerId` is the caller's personal space (drive.ts personalSpace). */
export function createFamily(api: Client, containerId: string, name: string): Promise<CreateFamilyResult> {
  const body: CreateFamily = { shareType: 0, containerId, name };
  return api.call<CreateFamilyResult>('POST', '/sharefolder/create', body);
}

export async function renameFamily(api: Client, family: Pick<Family, 'id'>, name: string): Promise<void> {
  const body: RenameFamily = { id: family.id, fileName: name };
  await api.call('POST', '/sharefolder/rename', body);
}

export async function deleteFamily(api: Client, family: Pick<Family, 'id'>): Promise<void> {
  const body: DeleteFamily = { id: family.id };
  await api.call('POST', '/sharefolder/delete', body);
}

/**
 * Invites a phone number. Spaces, dashes and brackets people type are dropped; every other check
 * (digits, length, already invited, family full) is the API's.
 */
export async function invite(api: Client, family: Pick<Family, 'groupId'>, mobile: string): Promise<string> {
  const number = mobile.replace(/[\s().-]/g, '');
  return (await api.call<InviteResult>('POST', `/usergroupsInvite/invite/${enc(family.groupId)}?mobile=${enc(number)}`)).inviteId;
}

/** The owner's view of the invitations it sent (the API refuses anyone else). */
export async function sentInvitations(api: Client, family: Pick<Family, 'groupId'>): Promise<Invitee[]> {
  return (await api.call<InviteList>('GET', `/usergroupsInvite/inviteList/${enc(family.groupId)}`)).details;
}

/** Who is in the family, owner first then by joining (any member may ask; anyone else is refused). */
export async function members(api: Client, family: Pick<Family, 'groupId'>): Promise<Member[]> {
  return (await api.call<MemberList>('GET', `/usergroupsInvite/memberList/${enc(family.groupId)}`)).members;
}

export async function waitingInvitations(api: Client): Promise<Invitation[]> {
  return (await api.call<ConfirmList>('GET', '/usergroupsInvite/inviteConfrimList')).details;
}

export async function answerInvitation(api: Client, invitation: Pick<Invitation, 'groupId' | 'inviteId'>, join: boolean): Promise<void> {
  const body: Confirm = { inviteId: invitation.inviteId, confirm: join ? 1 : 0 };
  await api.call('POST', `/usergroupsInvite/inviteConfirm/${enc(invitation.groupId)}`, body);
}

/** deleteMember: `ownerId` is always the caller; removing oneself is leaving. */
async function deleteMember(api: Client, family: Pick<Family, 'groupId'>, userId: string): Promise<void> {
  const query: DeleteMember = { ownerId: api.session?.userId ?? '', groupId: family.groupId, deleteUserId: userId };
  await api.call('POST', `/usergroupsInvite/deleteMember?${new URLSearchParams(query)}`);
}

/** The owner removes another member (one of members()). */
export function removeMember(api: Client, family: Pick<Family, 'groupId'>, member: Pick<Member, 'userId'>): Promise<void> {
  return deleteMember(api, family, member.userId);
}

export function leaveFamily(api: Client, family: Pick<Family, 'groupId'>): Promise<void> {
  return deleteMember(api, family, api.session?.userId ?? '');
}

/** The family's shared albums (collection and manual), newest first. */
export async function sharedAlbums(api: Client, family: Pick<Family, 'groupId'>): Promise<Album[]> {
  const out: Album[] = [];
  for (const albumType of [1, 2] as const) {
    for (let page = 1; page <= 1000; page++) {
      const list = await api.call<AlbumList>('GET', `/album/list?albumKind=2&albumType=${albumType}&groupId=${enc(family.groupId)}&pageNum=${page}&pageSize=100`);
      out.push(...list.albumList);
      if (list.albumList.length < 100) break;
    }
  }
  return out.sort((a, b) => (a.createTime < b.createTime ? 1 : -1));
}

/** Whether the caller owns the family: only then are owner-only actions offered (the API still decides). */
export const owns = (api: Client, family: Pick<Family, 'ownerId'>): boolean => family.ownerId === api.session?.userId;

/** A date without its time (a member's joining day), in the user's language. */
export function day(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(language, { dateStyle: 'medium' });
}

/** A failure in words: what could not be done, the API's message (in the user's language), and a hint for terse codes. */
export function explain(action: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof ApiError ? fw.hints[error.code] : undefined;
  return fw.because(action, hint ? `${message} ${hint}` : message);
}
