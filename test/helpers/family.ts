import fs from 'node:fs';
import { client, type ApiResult, type TestApp, type TestUser } from './app.js';

const V1 = '/koodrive/ose/v1';
const JPEG = fs.readFileSync(new URL('../fixtures/sample.jpg', import.meta.url));

/** The fixture JPEG made distinct (its own sha256) by bytes after its end, which decoders ignore. */
export const photo = (tag: string, n: number): Buffer => Buffer.concat([JPEG, Buffer.from(`${tag}-${n}`)]);

export interface Family {
  /** Share-folder ID (primary key): x-hw-share-folder-id, CreateAlbum.shareFolderId. */
  id: string;
  groupId: string;
  containerId: string;
  rootFolderId: string;
}

/** Family endpoints for one user, and file calls inside a family space. */
export function familyClient(t: TestApp, user: TestUser, clock: () => number = Date.now) {
  const api = client(t, user, clock);
  const { call } = api;
  const inFamily = (f: Family) => ({ 'x-hw-share-folder-id': f.id });
  return {
    ...api,
    async createFamily(name: string): Promise<Family> {
      const r = await call('POST', `${V1}/sharefolder/create`, { shareType: 0, containerId: user.containerId, name });
      if (r.status !== 200) throw new Error(`create family: ${JSON.stringify(r.body)}`);
      const meta = await call('GET', `${V1}/sharefolder/metadata/${r.body.id as string}`);
      const sf = meta.body.sharefolder as Record<string, string>;
      return { id: sf.id!, groupId: sf.groupId!, containerId: sf.containerId!, rootFolderId: sf.shareFolderFileId! };
    },
    invite: (groupId: string, mobile: string) => call('POST', `${V1}/usergroupsInvite/invite/${groupId}?mobile=${encodeURIComponent(mobile)}`),
    inviteList: (groupId: string) => call('GET', `${V1}/usergroupsInvite/inviteList/${groupId}`),
    waiting: () => call('GET', `${V1}/usergroupsInvite/inviteConfrimList`),
    confirm: (groupId: string, inviteId: string, confirm: number) => call('POST', `${V1}/usergroupsInvite/inviteConfirm/${groupId}`, { inviteId, confirm }),
    removeMember: (groupId: string, deleteUserId: string, ownerId = user.userId) =>
      call('POST', `${V1}/usergroupsInvite/deleteMember?ownerId=${ownerId}&groupId=${groupId}&deleteUserId=${deleteUserId}`),
    families: (query = 'offset=0&limit=100') => call('GET', `${V1}/sharefolder/list?${query}`),
    metadata: (id: string) => call('GET', `${V1}/sharefolder/metadata/${id}`),
    renameFamily: (id: string, fileName: string) => call('POST', `${V1}/sharefolder/rename`, { id, fileName }),
    deleteFamily: (id: string) => call('POST', `${V1}/sharefolder/delete`, { id }),
    /** Joins through the whole invitation flow: the owner invites, this user accepts. */
    async join(owner: { invite: (g: string, m: string) => Promise<ApiResult> }, f: Family): Promise<void> {
      const r = await owner.invite(f.groupId, user.phone);
      if (r.status !== 200) throw new Error(`invite: ${JSON.stringify(r.body)}`);
      const c = await call('POST', `${V1}/usergroupsInvite/inviteConfirm/${f.groupId}`, { inviteId: r.body.inviteId, confirm: 1 });
      if (c.status !== 200) throw new Error(`confirm: ${JSON.stringify(c.body)}`);
    },
    fmkdir: (f: Family, fileName: string, parent = 'root') =>
      call('POST', `${V1}/directory`, { fileName, parentFolder: [parent], containerId: f.containerId }, inFamily(f)),
    async fupload(f: Family, fileName: string, body: Buffer | string, parent = 'root'): Promise<ApiResult> {
      const q = new URLSearchParams({ fileName, containerId: f.containerId, parentFolder: parent });
      const res = await t.app.inject({
        method: 'POST',
        url: `${V1}/files/upload?${q.toString()}`,
        headers: { ...api.headers(), 'content-type': 'application/octet-stream', ...inFamily(f) },
        payload: body,
      });
      return { status: res.statusCode, body: res.json(), headers: res.headers };
    },
    fjob: (f: Family, taskType: number, fileIds: string[], extra: Record<string, unknown> = {}) =>
      call(
        'POST',
        `${V1}/jobs`,
        { taskType, taskInfo: { fileInfo: fileIds.map((fileId) => ({ fileId })), srcContainerId: f.containerId }, dstContainerId: f.containerId, ...extra },
        inFamily(f),
      ),
    flist: (f: Family, body: Record<string, unknown> = {}, type: 0 | 1 = 0) => call('POST', `${V1}/files/${type}`, { containerId: f.containerId, ...body }, inFamily(f)),
    fdetail: (f: Family, fileId: string) => call('POST', `${V1}/files/${fileId}/detail`, { containerId: f.containerId }, inFamily(f)),
    frename: (f: Family, fileId: string, name: string) => call('POST', `${V1}/files/rename/${fileId}`, { containerId: f.containerId, name }, inFamily(f)),
    fdownload: (f: Family, fileIds: string[]) => call('POST', `${V1}/files/download`, { containerId: f.containerId, fileIds }, inFamily(f)),
    sharedAlbum: (f: Family, body: Record<string, unknown>) => call('POST', `${V1}/album/create`, { albumKind: 2, groupId: f.groupId, shareFolderId: f.id, ...body }),
    albumList: (albumId: string, query = '') => call('GET', `${V1}/album/${albumId}/list${query}`),
    addToAlbum: (albumId: string, entries: { fileId: string; ownerId: string }[]) => call('POST', `${V1}/album/${albumId}/add`, { fileIds: entries }),
  };
}

export type FamilyApi = ReturnType<typeof familyClient>;
