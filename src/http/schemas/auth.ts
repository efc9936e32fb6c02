import { Type, type Static } from '@sinclair/typebox';
import { Envelope } from './common.js';

export const LoginBody = Type.Object({
  account: Type.String({ minLength: 1, maxLength: 64, description: 'phone number; a leading + is read as 00' }),
  authType: Type.Unsafe<'1' | '2'>({ type: 'string', enum: ['1', '2'], description: '1 account + password (2, codes, is not offered)' }),
  password: Type.Optional(Type.String({ maxLength: 256 })),
  captchaToken: Type.Optional(Type.String()),
});
export type LoginBody = Static<typeof LoginBody>;

export const SessionInfo = Type.Object({
  accessToken: Type.String({ description: '"AT <64 hex>"' }),
  expiresIn: Type.Integer({ description: 'seconds (1800)' }),
  issuedAt: Type.String({ description: 'epoch milliseconds' }),
  refreshToken: Type.String(),
});

export const LoginReply = Type.Object({
  data: Type.Object({
    userInfo: Type.Object({
      userId: Type.String(),
      firstname: Type.String(),
      surname: Type.String(),
      phone: Type.String(),
      email: Type.String(),
    }),
    sessionInfo: SessionInfo,
  }),
  ...Envelope,
});

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 256 }) });
export type RefreshBody = Static<typeof RefreshBody>;

/** The public page's table says `data` is the SessionInfo, its example nests `data.sessionInfo`: both are sent. */
export const RefreshReply = Type.Object({
  data: Type.Object({ ...SessionInfo.properties, sessionInfo: SessionInfo }),
  ...Envelope,
});

export const LogoutBody = Type.Object({
  userId: Type.String({ minLength: 1, maxLength: 64 }),
  accessToken: Type.String({ minLength: 1, maxLength: 256 }),
});
export type LogoutBody = Static<typeof LogoutBody>;
