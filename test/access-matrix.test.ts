import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type ApiResult, type TestApp, type TestUser } from './helpers/app.js';
import { photo as distinctPhoto, familyClient, type Family, type FamilyApi } from './helpers/family.js';

/**
 * Issue 5's access matrix: every album, file and family endpoint that takes an ID, for the family's
 * owner, a member, an outsider, a removed member and an outsider holding a pending invitation.
 * Callers that may not see a resource get 13000309, byte for byte the answer for an ID that does
 * not exist; a member gets exactly its rights (13000410 for the owner's); list endpoints answer
 * 200 with only what the caller may see.
 */

const V1 = '/koodrive/ose/v1';
const photo = (n: number): Buffer => distinctPhoto('matrix', n);

type Role = 'owner' | 'member' | 'outsider' | 'removed' | 'invited';
const ROLES: Role[] = ['owner', 'member', 'outsider', 'removed', 'invited'];

/** The IDs an endpoint is called with: the family's real ones, or IDs of nothing. */
interface Ids {
  family: Family;
  ownerFile: string;
  memberFile: string;
  folder: string;
  manual: string;
  collection: string;
}

/** What a role must get: success, 13000410, or (default for outsiders) 13000309. */
type Expect = 'ok' | 410 | 309;

type Api = FamilyApi & { t: TestApp; userId: string; containerId: string };

interface Endpoint {
  name: string;
  call: (api: Api, ids: Ids, role: Role) => Promise<ApiResult>;
  /** Expected answers for the owner and the member; everyone else gets 13000309 (unless `invited` says otherwise). */
  owner: Expect;
  member: Expect;
  invited?: Expect;
}

const header = (f: Family) => ({ 'x-hw-share-folder-id': f.id });
let unique = 0;
const next = (): number => (unique += 1);

const ENDPOINTS: Endpoint[] = [
  // Families and members
  { name: 'sharefolder/metadata', owner: 'ok', member: 'ok', call: (api, ids) => api.metadata(ids.family.id) },
  { name: 'sharefolder/rename', owner: 'ok', member: 410, call: (api, ids) => api.renameFamily(ids.family.id, 'Matrix') },
  { name: 'invite (a new number)', owner: 'ok', member: 410, call: (api, ids) => api.invite(ids.family.groupId, `0027821${String(next()).padStart(6, '0')}`) },
  { name: 'inviteList', owner: 'ok', member: 410, call: (api, ids) => api.inviteList(ids.family.groupId) },
  { name: 'deleteMember (the owner leaving; a member removing the owner)', owner: 410, member: 410, call: (api, ids, role) => api.removeMember(ids.family.groupId, role === 'owner' ? api.userId : OWNER_ID) },
  { name: 'inviteConfirm (the invited one declines; for everyone else it is not theirs)', owner: 309, member: 309, invited: 'ok', call: (api, ids) => api.confirm(ids.family.groupId, INVITE_ID, 0) },
  // Albums
  {
    name: 'album/create (shared)',
    owner: 'ok',
    member: 'ok',
    call: (api, ids) => api.sharedAlbum(ids.family, { type: 2, name: `m${next()}` }),
  },
  {
    name: 'album/create (shared collection over a family folder)',
    owner: 'ok',
    member: 'ok',
    call: (api, ids) => api.sharedAlbum(ids.family, { type: 1, scopeParentFolderId: 'root', scopeDir: [ids.folder], scopeKind: 1 }),
  },
  { name: 'album/list by groupId', owner: 'ok', member: 'ok', call: (api, ids) => api.listAlbums(`albumKind=2&albumType=2&groupId=${ids.family.groupId}`) },
  { name: 'UpdateAlbum', owner: 'ok', member: 410, call: (api, ids) => api.updateAlbum(ids.manual, { name: 'Best of' }) },
  { name: 'UpdateAlbum (alias path)', owner: 'ok', member: 410, call: (api, ids) => api.call('POST', `${V1}/album/${ids.manual}/update`, { name: 'Best of' }) },
  { name: 'DeleteAlbum', owner: 'ok', member: 410, call: (api, ids, role) => (role === 'owner' ? api.deleteAlbum(DISPOSABLE_ALBUM) : api.deleteAlbum(ids.manual)) },
  { name: 'ListAlbumContent (manual)', owner: 'ok', member: 'ok', call: (api, ids) => api.albumList(ids.manual) },
  { name: 'ListAlbumContent (collection)', owner: 'ok', member: 'ok', call: (api, ids) => api.albumList(ids.collection) },
  { name: 'BatchAddContent2Album', owner: 'ok', member: 'ok', call: (api, ids) => api.addToAlbum(ids.manual, [{ fileId: ids.ownerFile, ownerId: OWNER_ID }]) },
  { name: 'BatchDeleteAlbumContent', owner: 'ok', member: 'ok', call: (api, ids) => api.call('DELETE', `${V1}/${ids.manual}/batchDelete`, { ids: ['Fnot-in-the-album'] }) },
  { name: 'album/batchDelete (alias path)', owner: 'ok', member: 'ok', call: (api, ids) => api.call('DELETE', `${V1}/album/${ids.manual}/batchDelete`, { ids: ['Fnot-in-the-album'] }) },
  // Files in the family space
  { name: 'directory', owner: 'ok', member: 'ok', call: (api, ids) => api.fmkdir(ids.family, `d${next()}`, ids.folder) },
  { name: 'files/0 (root)', owner: 'ok', member: 'ok', call: (api, ids) => api.flist(ids.family) },
  { name: 'files/0 (a folder)', owner: 'ok', member: 'ok', call: (api, ids) => api.flist(ids.family, { parentFileId: ids.folder }) },
  { name: 'files/1 (recycle bin)', owner: 'ok', member: 'ok', call: (api, ids) => api.flist(ids.family, {}, 1) },
  { name: 'detail', owner: 'ok', member: 'ok', call: (api, ids) => api.fdetail(ids.family, ids.ownerFile) },
  { name: 'download links', owner: 'ok', member: 'ok', call: (api, ids) => api.fdownload(ids.family, [ids.ownerFile]) },
  {
    name: 'thumbnail (headers)',
    owner: 'ok',
    member: 'ok',
    call: async (api, ids) => {
      const res = await api.t.app.inject({ method: 'GET', url: `${V1}/files/${ids.ownerFile}/thumbnail?size=s`, headers: api.headers() });
      return { status: res.statusCode, body: res.statusCode === 200 ? { code: 0, msg: 'image' } : res.json(), headers: res.headers };
    },
  },
  { name: "rename the owner's file", owner: 'ok', member: 410, call: (api, ids) => api.frename(ids.family, ids.ownerFile, 'owner.jpg') },
  { name: "rename the member's file", owner: 'ok', member: 'ok', call: (api, ids) => api.frename(ids.family, ids.memberFile, 'member.jpg') },
  { name: "recycle the owner's file", owner: 'ok', member: 410, call: (api, ids, role) => recycleAndRestore(api, ids.family, ids.ownerFile, role) },
  { name: "recycle the member's file", owner: 'ok', member: 'ok', call: (api, ids, role) => recycleAndRestore(api, ids.family, ids.memberFile, role) },
  {
    name: "move the owner's file (to where it is)",
    owner: 'ok',
    member: 410,
    call: (api, ids) =>
      api.call(
        'POST',
        `${V1}/jobs`,
        { taskType: 3, taskInfo: { fileInfo: [{ fileId: ids.ownerFile }], srcContainerId: ids.family.containerId, dstFolderId: ids.folder }, dstContainerId: ids.family.containerId },
        header(ids.family),
      ),
  },
  {
    name: 'move out of the family into one\'s personal space',
    owner: 'ok',
    member: 410,
    call: (api, ids, role) =>
      api.call(
        'POST',
        `${V1}/jobs`,
        { taskType: 3, taskInfo: { fileInfo: [{ fileId: role === 'owner' ? DISPOSABLE_MOVE : ids.ownerFile }], srcContainerId: ids.family.containerId, dstFolderId: 'root' }, dstContainerId: api.containerId },
        header(ids.family),
      ),
  },
  { name: 'delete for good', owner: 'ok', member: 410, call: (api, ids, role) => api.fjob(ids.family, 2, [role === 'owner' ? DISPOSABLE_FILE : ids.memberFile], { actionType: 202 }) },
  { name: 'empty the recycle bin', owner: 'ok', member: 410, call: (api, ids) => api.fjob(ids.family, 7, []) },
  { name: 'one-shot upload', owner: 'ok', member: 'ok', call: (api, ids) => api.fupload(ids.family, `u${next()}.txt`, 'hello', ids.folder) },
  {
    name: 'files/create (three-step upload)',
    owner: 'ok',
    member: 'ok',
    call: (api, ids) => api.call('POST', `${V1}/files/create`, { fileName: `c${next()}.bin`, length: 3, parentFolder: [ids.folder], containerId: ids.family.containerId }, header(ids.family)),
  },
  {
    name: "files/multipart/uploadUrl (the owner's upload)",
    owner: 'ok',
    member: 309,
    call: (api, ids) => api.call('POST', `${V1}/files/multipart/uploadUrl`, { fileId: ids === NOTHING ? `F${'U'.repeat(32)}` : UPLOAD.fileId, uploadId: ids === NOTHING ? '1999999999999999995' : UPLOAD.uploadId, multiParts: [] }),
  },
];

// Set once the world is built; endpoints read them.
let UPLOAD = { fileId: '', uploadId: '' };
let NOTHING: Ids | undefined;
let OWNER_ID = '';
let INVITE_ID = '';
let DISPOSABLE_ALBUM = '';
let DISPOSABLE_FILE = '';
let DISPOSABLE_MOVE = '';

async function recycleAndRestore(api: Api, f: Family, fileId: string, role: Role): Promise<ApiResult> {
  const r = await api.fjob(f, 2, [fileId]);
  if (r.status === 200 && (role === 'owner' || role === 'member')) {
    const back = await api.fjob(f, 4, [fileId]);
    assert.equal(back.status, 200, JSON.stringify(back.body));
  }
  return r;
}

const expected = (e: Endpoint, role: Role): Expect =>
  role === 'owner' ? e.owner : role === 'member' ? e.member : role === 'invited' ? (e.invited ?? 309) : 309;

describe('access matrix: owner, member, outsider, removed member, invited outsider', () => {
  let t: TestApp;
  const users = {} as Record<Role, TestUser>;
  const apis = {} as Record<Role, Api>;
  let real: Ids;
  let nothing: Ids;
  let other: Family;
  let otherFile: string;
  let otherFolder: string;
  let removedLink: URL;

  before(async () => {
    t = await startTestApp();
    for (const role of ROLES) {
      users[role] = await t.newUser(role);
      apis[role] = Object.assign(familyClient(t, users[role]), { t, userId: users[role].userId, containerId: users[role].containerId });
    }
    const o = apis.owner;
    OWNER_ID = users.owner.userId;
    const family = await o.createFamily('Matrix');
    await apis.member.join(o, family);
    await apis.removed.join(o, family);
    INVITE_ID = String((await o.invite(family.groupId, users.invited.phone)).body.inviteId);
    const folder = String((await o.fmkdir(family, 'Shared')).body.id);
    const ownerFile = String((await o.fupload(family, 'owner.jpg', photo(1), folder)).body.id);
    const memberFile = String((await apis.member.fupload(family, 'member.jpg', photo(2), folder)).body.id);
    DISPOSABLE_FILE = String((await o.fupload(family, 'gone.txt', 'bye', folder)).body.id);
    DISPOSABLE_MOVE = String((await o.fupload(family, 'leaving.txt', 'off home', folder)).body.id);
    const manual = String((await o.sharedAlbum(family, { type: 2, name: 'Best of' })).body.albumId);
    DISPOSABLE_ALBUM = String((await o.sharedAlbum(family, { type: 2, name: 'Disposable' })).body.albumId);
    const collection = String((await o.sharedAlbum(family, { type: 1, scopeParentFolderId: 'root', scopeDir: [folder], scopeKind: '1,2' })).body.albumId);
    await o.addToAlbum(manual, [{ fileId: ownerFile, ownerId: OWNER_ID }]);
    const links = await apis.removed.fdownload(family, [ownerFile]);
    removedLink = new URL(String((links.body.downloads as { url: string }[])[0]!.url));
    assert.equal((await o.removeMember(family.groupId, users.removed.userId)).status, 200);
    real = { family, ownerFile, memberFile, folder, manual, collection };
    nothing = {
      family: { id: '1999999999999999991', groupId: '1999999999999999992', containerId: `IAA${'Q'.repeat(34)}`, rootFolderId: `F${'Q'.repeat(32)}` },
      ownerFile: `F${'A'.repeat(32)}`,
      memberFile: `F${'B'.repeat(32)}`,
      folder: `F${'C'.repeat(32)}`,
      manual: '1999999999999999993',
      collection: '1999999999999999994',
    };
    NOTHING = nothing;
    const created = await o.call('POST', `${V1}/files/create`, { fileName: 'pending.bin', length: 3, parentFolder: [folder], containerId: family.containerId }, header(family));
    UPLOAD = { fileId: String(created.body.fileId), uploadId: String(created.body.uploadId) };
    // Another family, where the member of the first is an outsider.
    const stranger = familyClient(t, await t.newUser('stranger'));
    other = await stranger.createFamily('Elsewhere');
    otherFolder = String((await stranger.fmkdir(other, 'Theirs')).body.id);
    otherFile = String((await stranger.fupload(other, 'theirs.jpg', photo(3), otherFolder)).body.id);
  });
  after(() => t.close());

  test('list endpoints answer 200 with only what the caller may see', async () => {
    for (const role of ROLES) {
      const api = apis[role];
      const sees = role === 'owner' || role === 'member';
      const families = await api.families();
      assert.equal(families.status, 200);
      assert.deepEqual((families.body.folders as { id: string }[]).map((f) => f.id), sees ? [real.family.id] : [], role);
      for (const albumType of [1, 2]) {
        const albums = await api.listAlbums(`albumKind=2&albumType=${albumType}`);
        assert.equal(albums.status, 200);
        assert.equal((albums.body.albumList as unknown[]).length > 0, sees, `${role} albumType ${albumType}`);
      }
      const waiting = await api.waiting();
      assert.equal(waiting.status, 200);
      const invitations = (waiting.body.details as { inviteId: string }[]).map((d) => d.inviteId);
      assert.deepEqual(invitations, role === 'invited' ? [INVITE_ID] : [], role);
    }
  });

  test('every endpoint × caller pair answers by the rules, and a hidden resource answers like a missing one', async () => {
    const failures: string[] = [];
    let pairs = 0;
    for (const endpoint of ENDPOINTS) {
      for (const role of ROLES) {
        pairs += 1;
        const want = expected(endpoint, role);
        const got = await endpoint.call(apis[role], real, role);
        const where = `${endpoint.name} as ${role}`;
        if (want === 'ok' && (got.status !== 200 || got.body.code !== 0)) failures.push(`${where}: want 200, got ${got.status} ${JSON.stringify(got.body)}`);
        if (want === 410 && (got.status !== 400 || got.body.code !== 13000410)) failures.push(`${where}: want 13000410, got ${got.status} ${JSON.stringify(got.body)}`);
        if (want === 309) {
          if (got.status !== 400 || got.body.code !== 13000309) failures.push(`${where}: want 13000309, got ${got.status} ${JSON.stringify(got.body)}`);
          const missing = await endpoint.call(apis[role], nothing, role);
          if (missing.status !== got.status || JSON.stringify(missing.body) !== JSON.stringify(got.body)) {
            failures.push(`${where}: hidden answers ${JSON.stringify(got.body)}, missing answers ${JSON.stringify(missing.body)}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(pairs >= 150, `the matrix covers ${pairs} endpoint × caller pairs`);
  });

  test("a removed member's signed link stops working", async () => {
    const res = await t.app.inject({ method: 'GET', url: removedLink.pathname + removedLink.search });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 13000309);
  });

  test("IDs of another family, passed through every parameter that takes one, answer 13000309 (or 13000301 for a space)", async () => {
    const m = apis.member;
    const f = real.family;
    const cases: [string, () => Promise<ApiResult>, number][] = [
      ['metadata of another family', () => m.metadata(other.id), 13000309],
      ['invite into another group', () => m.invite(other.groupId, '0027821999999'), 13000309],
      ['inviteList of another group', () => m.inviteList(other.groupId), 13000309],
      ['inviteConfirm into another group', () => m.confirm(other.groupId, INVITE_ID, 1), 13000309],
      ['deleteMember of another group', () => m.removeMember(other.groupId, m.userId), 13000309],
      ['ListAlbums of another group', () => m.listAlbums(`albumKind=2&albumType=2&groupId=${other.groupId}`), 13000309],
      ['CreateAlbum with another groupId', () => m.sharedAlbum({ ...f, groupId: other.groupId }, { type: 2, name: 'x' }), 13000309],
      ['CreateAlbum with another shareFolderId', () => m.sharedAlbum({ ...f, id: other.id }, { type: 2, name: 'x' }), 13000309],
      ["CreateAlbum over another family's folder", () => m.sharedAlbum(f, { type: 1, scopeParentFolderId: 'root', scopeDir: [otherFolder], scopeKind: 1 }), 13000309],
      ["adding another family's file (true owner given)", () => m.addToAlbum(real.manual, [{ fileId: otherFile, ownerId: OWNER_ID }]), 13000309],
      ['adding a family file with a forged ownerId', () => m.addToAlbum(real.manual, [{ fileId: real.ownerFile, ownerId: m.userId }]), 13000309],
      ['x-hw-share-folder-id of another family', () => m.flist(other), 13000309],
      ['containerId of another family under this family', () => m.call('POST', `${V1}/files/0`, { containerId: other.containerId }, header(f)), 13000301],
      ['detail of another family file under this family', () => m.fdetail(f, otherFile), 13000309],
      ['moving into another family folder', () => m.call('POST', `${V1}/jobs`, { taskType: 3, taskInfo: { fileInfo: [{ fileId: real.memberFile }], srcContainerId: f.containerId, dstFolderId: otherFolder }, dstContainerId: f.containerId }, header(f)), 13000309],
      ['family space without the header', () => m.call('POST', `${V1}/files/0`, { containerId: f.containerId }), 13000301],
    ];
    for (const [name, run, code] of cases) {
      const r = await run();
      assert.equal(r.status, 400, `${name}: ${r.status}`);
      assert.equal(r.body.code, code, `${name}: ${JSON.stringify(r.body)}`);
    }
  });
});
