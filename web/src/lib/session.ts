/** The signed-in session, kept in localStorage so a reload stays signed in. */
export interface Session {
  userId: string;
  name: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms (client clock) after which the access token is refreshed before use. */
  refreshAt: number;
}

const KEY = 'albumd.session';

export function loadSession(storage: Storage = localStorage): Session | undefined {
  try {
    const value = JSON.parse(storage.getItem(KEY) ?? 'null') as Session | null;
    return value && typeof value.accessToken === 'string' && typeof value.refreshAt === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined, storage: Storage = localStorage): void {
  if (session) storage.setItem(KEY, JSON.stringify(session));
  else storage.removeItem(KEY);
}
