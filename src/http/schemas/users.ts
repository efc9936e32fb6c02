import { Type, type Static } from '@sinclair/typebox';
import { Envelope, Id } from './common.js';

/** decisions.md §9a: the caller's own user and space, for clients to find their spaces. */

export const UserInfoQuery = Type.Object({
  userId: Type.Optional(Type.String({ maxLength: 128, description: "the caller's user ID (wins over phone)" })),
  phone: Type.Optional(Type.String({ maxLength: 64, description: "the caller's phone number" })),
});
export type UserInfoQuery = Static<typeof UserInfoQuery>;

export const UserInfo = Type.Object({
  userId: Type.String(),
  firstname: Type.String(),
  surname: Type.String(),
  phone: Type.String(),
  email: Type.String(),
});

export const UserInfoReply = Type.Object({ data: UserInfo, ...Envelope });

export const SpaceParams = Type.Object({ ownerId: Id("the caller's user ID") });
export type SpaceParams = Static<typeof SpaceParams>;

export const SpaceQuery = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 8, description: '1: a personal space' }),
  containerId: Type.Optional(Type.String({ maxLength: 128 })),
});
export type SpaceQuery = Static<typeof SpaceQuery>;

export const SpaceInfoReply = Type.Object({
  data: Type.Object({
    type: Type.Integer(),
    status: Type.Integer(),
    ownerId: Type.String(),
    containerId: Type.String(),
    rootFileId: Type.String({ description: 'the folder ID behind `root`' }),
    capacity: Type.Integer({ description: 'bytes; -1 when unlimited' }),
    spaceUsed: Type.Integer({ description: 'bytes' }),
    createTime: Type.String(),
    updateTime: Type.String(),
  }),
  ...Envelope,
});

export const SpaceUsageReply = Type.Object({
  data: Type.Object({
    totalAllocation: Type.Integer({ description: 'KB; -1 when unlimited' }),
    totalCapacity: Type.Integer({ description: 'KB; -1 when unlimited' }),
    totalUsed: Type.Integer({ description: 'KB' }),
    quota: Type.String({ description: 'GB; "-1" when unlimited' }),
  }),
  ...Envelope,
});
