import type { Client } from './api.js';
import type { Album } from './types.js';

/**
 * The API has no "get one album": an album is found in the caller's lists (personal first, then
 * family; collection and manual), a page of 100 at a time.
 */
const known = new Map<string, Album>();

/** Albums just listed: opening one of them needs no search. */
export function remember(albums: readonly Album[]): void {
  for (const a of albums) known.set(a.id, a);
}

export async function findAlbum(api: Client, albumId: string): Promise<Album | undefined> {
  const seen = known.get(albumId);
  if (seen) return seen;
  for (const kind of [1, 2] as const) {
    for (const type of [1, 2] as const) {
      for (let page = 1; page <= 1000; page++) {
        const list = await api.albums(kind, type, page, 100);
        const found = list.albumList.find((a) => a.id === albumId);
        if (found) {
          remember([found]);
          return found;
        }
        if (list.albumList.length < 100) break;
      }
    }
  }
  return undefined;
}

/** After an edit: the next open asks the API again. */
export function forget(albumId: string): void {
  known.delete(albumId);
}
