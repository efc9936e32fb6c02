import { Type, type TSchema, type Static } from '@sinclair/typebox';

/**
 * KooDrive quirks written once: enums and numbers arrive as "1" or 1 alike (the validator coerces),
 * IDs as strings or bare (lossless) numbers, and clients send null for "none".
 */
export const IntEnum = <const V extends readonly number[]>(values: V, description?: string) =>
  Type.Unsafe<V[number]>({ type: 'integer', enum: [...values], ...(description ? { description } : {}) });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

export const Id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });

export const Envelope = {
  code: Type.Integer({ description: '0 on success, else a catalogue code' }),
  msg: Type.String(),
};

export const ErrorReply = Type.Object(
  {
    ...Envelope,
    failList: Type.Optional(
      Type.Array(Type.Object({ fileId: Type.String(), code: Type.Integer(), msg: Type.String() })),
    ),
  },
  { $id: 'ErrorReply', description: 'Any failure: a catalogue code and a localised message' },
);

export const OkReply = Type.Object(Envelope);

export type StaticOf<T extends TSchema> = Static<T>;
