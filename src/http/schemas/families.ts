import { Type, type Static } from '@sinclair/typebox';
import { Envelope, Id, IntEnum } from './common.js';

const FamilyName = Type.String({ minLength: 1, maxLength: 64, description: 'family name: under 32 characters, no emoji, none of < > | : * ? " /' });

export const CreateFamilyBody = Type.Object({
  shareType: IntEnum([0] as const, '0 family shared folder (the only type)'),
  containerId: Id("the caller's personal space"),
  name: FamilyName,
});
export type CreateFamilyBody = Static<typeof CreateFamilyBody>;

export const CreateFamilyReply = Type.Object({
  id: Type.String({ description: 'share-folder ID (primary key)' }),
  data: Type.Object({
    tenantId: Type.String(),
    creator: Type.String(),
    createTime: Type.String(),
    groupId: Type.String(),
    id: Type.String(),
    shareFolderId: Type.String({ description: "the family root folder's file ID" }),
  }),
  ...Envelope,
});

export const ShareFolderObject = Type.Object({
  tenantId: Type.String(),
  creator: Type.String(),
  createTime: Type.String(),
  ownerId: Type.String(),
  status: Type.Integer(),
  id: Type.String(),
  containerId: Type.String({ description: 'the family space' }),
  shareFolderFileId: Type.String({ description: 'the family root folder' }),
  name: Type.String(),
  groupId: Type.String(),
  maxMember: Type.Integer(),
  memberCount: Type.Integer({ description: 'albumd: members, owner included' }),
});

export const ListFamiliesQuery = Type.Object({
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000 }),
  keyWord: Type.Optional(Type.String({ maxLength: 32 })),
  status: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['0', '1'], description: '0 normal (default), 1 deleted (none are kept)' })),
  queryType: Type.Optional(IntEnum([0, 1, 2] as const, '0 all, 1 created by me, 2 joined by me')),
});
export type ListFamiliesQuery = Static<typeof ListFamiliesQuery>;

export const ListFamiliesReply = Type.Object({ folders: Type.Array(ShareFolderObject), total: Type.Integer(), ...Envelope });

export const ShareFolderParams = Type.Object({ shareFolderId: Type.String({ minLength: 1, maxLength: 100, description: 'share-folder ID (primary key)' }) });
export type ShareFolderParams = Static<typeof ShareFolderParams>;

export const MetadataReply = Type.Object({ sharefolder: ShareFolderObject, ...Envelope });

export const RenameFamilyBody = Type.Object({ id: Id('share-folder ID'), fileName: FamilyName });
export type RenameFamilyBody = Static<typeof RenameFamilyBody>;

export const DeleteFamilyBody = Type.Object({ id: Id('share-folder ID') });
export type DeleteFamilyBody = Static<typeof DeleteFamilyBody>;

export const GroupParams = Type.Object({ groupId: Type.String({ minLength: 1, maxLength: 128, description: 'family group ID' }) });
export type GroupParams = Static<typeof GroupParams>;

export const InviteQuery = Type.Object({
  mobile: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'phone number: international code and number, e.g. 0027821234567' })),
});
export type InviteQuery = Static<typeof InviteQuery>;

export const InviteReply = Type.Object({ inviteId: Type.String(), ...Envelope });

export const InviteListReply = Type.Object({
  details: Type.Array(
    Type.Object({
      inviteId: Type.String(),
      mobile: Type.String({ description: 'masked' }),
      status: Type.Integer({ description: '0 pending, 1 accepted, 2 declined, 3 expired' }),
      createTime: Type.String(),
      expireTime: Type.String(),
    }),
  ),
  ...Envelope,
});

export const ConfirmListReply = Type.Object({
  details: Type.Array(
    Type.Object({
      inviteId: Type.String(),
      groupId: Type.String(),
      shareFolderId: Type.String(),
      name: Type.String(),
      inviterPhone: Type.String({ description: 'masked' }),
      createTime: Type.String(),
      expireTime: Type.String(),
    }),
  ),
  ...Envelope,
});

export const MemberListReply = Type.Object({
  members: Type.Array(
    Type.Object({
      userId: Type.String(),
      name: Type.String({ description: "the member's display name" }),
      phone: Type.String({ description: 'masked, as invitations show it' }),
      role: Type.Unsafe<'owner' | 'member'>({ type: 'string', enum: ['owner', 'member'] }),
      joinTime: Type.String(),
    }),
  ),
  ...Envelope,
});

export const ConfirmBody = Type.Object({
  inviteId: Id('the invitation'),
  confirm: IntEnum([0, 1] as const, '1 join, 0 decline'),
});
export type ConfirmBody = Static<typeof ConfirmBody>;

export const DeleteMemberQuery = Type.Object({
  ownerId: Type.String({ minLength: 1, maxLength: 128, description: "the caller's user ID" }),
  groupId: Type.String({ minLength: 1, maxLength: 128 }),
  deleteUserId: Type.String({ minLength: 1, maxLength: 128, description: 'the member to remove; the caller itself to leave' }),
});
export type DeleteMemberQuery = Static<typeof DeleteMemberQuery>;
