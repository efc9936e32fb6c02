import type { FastifyInstance } from 'fastify';
import type { Domain } from '../../domain/index.js';
import { invalidParam, rules } from '../../domain/errors.js';
import { callerOf } from '../auth.js';
import { ok } from '../reply.js';
import { OkReply } from '../schemas/common.js';
import {
  ConfirmBody,
  ConfirmListReply,
  CreateFamilyBody,
  CreateFamilyReply,
  DeleteFamilyBody,
  DeleteMemberQuery,
  GroupParams,
  InviteListReply,
  InviteQuery,
  InviteReply,
  MemberListReply,
  ListFamiliesQuery,
  ListFamiliesReply,
  MetadataReply,
  RenameFamilyBody,
  ShareFolderParams,
} from '../schemas/families.js';

const V1 = '/koodrive/ose/v1';
const kooDrive = { kooDrive: true };
const folderTags = ['Families'];
const memberTags = ['Family members'];

export function familyRoutes(app: FastifyInstance, domain: Domain): void {
  app.post<{ Body: CreateFamilyBody }>(`${V1}/sharefolder/create`, {
    config: kooDrive,
    schema: { tags: folderTags, operationId: 'CreateShareFolder', summary: 'Creating a Shared Folder (a family)', body: CreateFamilyBody, response: { 200: CreateFamilyReply } },
    handler: async (req) => ok(req, await domain.families.create(callerOf(req), req.body)),
  });

  app.get<{ Querystring: ListFamiliesQuery }>(`${V1}/sharefolder/list`, {
    config: kooDrive,
    schema: { tags: folderTags, operationId: 'ListShareFolder', summary: 'Viewing the Shared Folders I Created or Joined', querystring: ListFamiliesQuery, response: { 200: ListFamiliesReply } },
    handler: async (req) => ok(req, await domain.families.list(callerOf(req), req.query)),
  });

  app.get<{ Params: ShareFolderParams }>(`${V1}/sharefolder/metadata/:shareFolderId`, {
    config: kooDrive,
    schema: { tags: folderTags, operationId: 'GetShareFolderMetadata', summary: 'Viewing Details About a Shared Folder', params: ShareFolderParams, response: { 200: MetadataReply } },
    handler: async (req) => ok(req, await domain.families.metadata(callerOf(req), req.params.shareFolderId)),
  });

  app.post<{ Body: RenameFamilyBody }>(`${V1}/sharefolder/rename`, {
    config: kooDrive,
    schema: { tags: folderTags, operationId: 'RenameShareFolder', summary: 'Renaming a Shared Folder (owner only)', body: RenameFamilyBody, response: { 200: OkReply } },
    handler: async (req) => {
      await domain.families.rename(callerOf(req), req.body);
      return ok(req);
    },
  });

  app.post<{ Body: DeleteFamilyBody }>(`${V1}/sharefolder/delete`, {
    config: kooDrive,
    schema: {
      tags: folderTags,
      operationId: 'DeleteShareFolder',
      summary: 'Deleting a Shared Folder (owner only)',
      description: "The family's shared albums go; its folder tree moves, intact, into a folder of the owner's personal space.",
      body: DeleteFamilyBody,
      response: { 200: OkReply },
    },
    handler: async (req) => {
      await domain.families.delete(callerOf(req), req.body);
      return ok(req);
    },
  });

  app.post<{ Params: GroupParams; Querystring: InviteQuery; Body: { mobile?: string | undefined } | null | undefined }>(`${V1}/usergroupsInvite/invite/:groupId`, {
    config: kooDrive,
    schema: { tags: memberTags, operationId: 'UserGroupInvite', summary: 'Inviting a Member to Join a Shared Folder (by phone number)', params: GroupParams, querystring: InviteQuery, response: { 200: InviteReply } },
    handler: async (req) => {
      const mobile = req.query.mobile ?? (typeof req.body?.mobile === 'string' ? req.body.mobile : undefined);
      if (mobile === undefined) throw invalidParam('mobile', rules.required);
      return ok(req, await domain.invitations.invite(callerOf(req), req.params.groupId, mobile));
    },
  });

  app.get<{ Params: GroupParams }>(`${V1}/usergroupsInvite/inviteList/:groupId`, {
    config: kooDrive,
    schema: { tags: memberTags, operationId: 'InviteList', summary: 'Viewing the List of Invitees (owner only)', params: GroupParams, response: { 200: InviteListReply } },
    handler: async (req) => ok(req, await domain.invitations.list(callerOf(req), req.params.groupId)),
  });

  app.get<{ Params: GroupParams }>(`${V1}/usergroupsInvite/memberList/:groupId`, {
    config: kooDrive,
    schema: {
      tags: memberTags,
      operationId: 'ListFamilyMembers',
      summary: "Listing a family's members (albumd's), owner first",
      description: 'KooDrive has no member list; any member may ask.',
      params: GroupParams,
      response: { 200: MemberListReply },
    },
    handler: async (req) => ok(req, await domain.invitations.members(callerOf(req), req.params.groupId)),
  });

  app.get(`${V1}/usergroupsInvite/inviteConfrimList`, {
    config: kooDrive,
    schema: { tags: memberTags, operationId: 'InviteConfrimList', summary: "View the pending invitation list (the caller's number)", response: { 200: ConfirmListReply } },
    handler: async (req) => ok(req, await domain.invitations.waiting(callerOf(req))),
  });

  app.post<{ Params: GroupParams; Body: ConfirmBody }>(`${V1}/usergroupsInvite/inviteConfirm/:groupId`, {
    config: kooDrive,
    schema: { tags: memberTags, operationId: 'InviteConfirm', summary: 'The member confirms whether to join the shared folder', params: GroupParams, body: ConfirmBody, response: { 200: OkReply } },
    handler: async (req) => {
      await domain.invitations.confirm(callerOf(req), req.params.groupId, req.body);
      return ok(req);
    },
  });

  app.post<{ Querystring: DeleteMemberQuery }>(`${V1}/usergroupsInvite/deleteMember`, {
    config: kooDrive,
    schema: { tags: memberTags, operationId: 'ShareFolderDeleteMember', summary: 'Removing a Member from a Shared Folder (or leaving it)', querystring: DeleteMemberQuery, response: { 200: OkReply } },
    handler: async (req) => {
      await domain.invitations.removeMember(callerOf(req), req.query);
      return ok(req);
    },
  });
}
