import { invalidParam } from './errors.js';
import type { Signer } from './auth/signing.js';

/** Where a keyset page ended: the last row's sort value and ID. */
export interface Position {
  value: string | number | null;
  id: string;
}

const badCursor = () => invalidParam('pageCursor', { en: 'is not a cursor of this listing', zh: '不是本列表的游标' });

/**
 * Opaque, signed page cursors bound to one listing (its scope and sort): a cursor from another
 * listing, or one that was changed, is refused (13000102).
 */
export function encodeCursor(signer: Signer, binding: string, position: Position): string {
  const body = Buffer.from(JSON.stringify([position.value, position.id])).toString('base64url');
  return `${body}.${signer.sign(`cursor\n${binding}\n${body}`)}`;
}

export function decodeCursor(signer: Signer, binding: string, cursor: string): Position {
  const dot = cursor.indexOf('.');
  if (dot <= 0 || cursor.length > 2048) throw badCursor();
  const body = cursor.slice(0, dot);
  if (!signer.verify(`cursor\n${binding}\n${body}`, cursor.slice(dot + 1))) throw badCursor();
  try {
    const [value, id] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof id !== 'string' || !(value === null || typeof value === 'string' || typeof value === 'number')) throw new Error();
    return { value, id };
  } catch {
    throw badCursor();
  }
}
