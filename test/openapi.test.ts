import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, authHeaders, type TestApp, type TestUser } from './helpers/app.js';

const V1 = '/koodrive/ose/v1';

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  responses: Record<string, { $ref?: string; description?: string }>;
}
interface Document {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes?: Record<string, { type: string; in?: string; name?: string }>;
    responses?: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
    schemas?: Record<string, { properties?: Record<string, { type?: string }>; required?: string[] }>;
  };
}

const TOKEN = { KooDriveToken: [] };

/** The public KooDrive operation names (koodrive-api.md §3 and §7), at their documented method and path. */
const KOODRIVE_ALBUM_OPERATIONS: Record<string, [string, string]> = {
  CreateAlbum: ['post', `${V1}/album/create`],
  UpdateAlbum: ['post', `${V1}/{albumId}/update`],
  DeleteAlbum: ['delete', `${V1}/album/{albumId}`],
  ListAlbums: ['get', `${V1}/album/list`],
  ListAlbumContent: ['get', `${V1}/album/{albumId}/list`],
  BatchAddContent2Album: ['post', `${V1}/album/{albumId}/add`],
  BatchDeleteAlbumContent: ['delete', `${V1}/{albumId}/batchDelete`],
};

const OTHER_OPERATIONS: Record<string, [string, string]> = {
  Login: ['post', `${V1}/auth/login`],
  RefreshToken: ['post', `${V1}/auth/refreshToken`],
  Logout: ['post', `${V1}/auth/logout`],
  GetUserInfo: ['get', `${V1}/user/info`],
  GetSpace: ['get', `${V1}/space/{ownerId}`],
  GetSpaceUsageByOverview: ['get', `${V1}/space/usage/overview`],
  CreateDirectory: ['post', `${V1}/directory`],
  GetFile: ['post', `${V1}/files/{fileId}/detail`],
  GetPersonalFiles: ['post', `${V1}/files/{type}`],
  GetDownLoadUrl: ['post', `${V1}/files/download`],
  RenameFile: ['post', `${V1}/files/rename/{fileId}`],
  CreateFile: ['post', `${V1}/files/create`],
  UploadUrl: ['post', `${V1}/files/multipart/uploadUrl`],
  CompleteFile: ['post', `${V1}/files/complete`],
  CreateJob: ['post', `${V1}/jobs`],
  GetJobList: ['get', `${V1}/jobs`],
  CreateShareFolder: ['post', `${V1}/sharefolder/create`],
  ListShareFolder: ['get', `${V1}/sharefolder/list`],
  GetShareFolderMetadata: ['get', `${V1}/sharefolder/metadata/{shareFolderId}`],
  RenameShareFolder: ['post', `${V1}/sharefolder/rename`],
  DeleteShareFolder: ['post', `${V1}/sharefolder/delete`],
  UserGroupInvite: ['post', `${V1}/usergroupsInvite/invite/{groupId}`],
  InviteList: ['get', `${V1}/usergroupsInvite/inviteList/{groupId}`],
  InviteConfrimList: ['get', `${V1}/usergroupsInvite/inviteConfrimList`],
  InviteConfirm: ['post', `${V1}/usergroupsInvite/inviteConfirm/{groupId}`],
  ShareFolderDeleteMember: ['post', `${V1}/usergroupsInvite/deleteMember`],
  // albumd's additions
  ListFamilyMembers: ['get', `${V1}/usergroupsInvite/memberList/{groupId}`],
  AbortUpload: ['post', `${V1}/files/abort`],
  UploadFile: ['post', `${V1}/files/upload`],
  UploadPart: ['put', `${V1}/files/{fileId}/part`],
  GetFileContent: ['get', `${V1}/files/{fileId}/content`],
  GetThumbnail: ['get', `${V1}/files/{fileId}/thumbnail`],
};

/** Need no token: login and refresh (their body is the credential) and the signed URLs. */
const WITHOUT_TOKEN = ['Login', 'RefreshToken', 'GetFileContent', 'UploadPart'];
/** Either the token or a signed URL. */
const TOKEN_OR_SIGNED = ['GetThumbnail'];

/**
 * Paths the KooDrive API itself fixes that OpenAPI calls ambiguous (why redocly.yaml turns the rule
 * off); anything else Redocly's no-ambiguous-paths would report fails here.
 */
const KNOWN_AMBIGUOUS = [
  [`${V1}/album/{albumId}`, `${V1}/{albumId}/batchDelete`],
  [`${V1}/album/{albumId}`, `${V1}/{albumId}/update`],
  [`${V1}/files/rename/{fileId}`, `${V1}/files/{fileId}/content`],
  [`${V1}/files/rename/{fileId}`, `${V1}/files/{fileId}/detail`],
  [`${V1}/files/rename/{fileId}`, `${V1}/files/{fileId}/part`],
  [`${V1}/files/rename/{fileId}`, `${V1}/files/{fileId}/thumbnail`],
  [`${V1}/files/{type}`, `${V1}/{albumId}/batchDelete`],
  [`${V1}/files/{type}`, `${V1}/{albumId}/update`],
  [`${V1}/space/{ownerId}`, `${V1}/{albumId}/batchDelete`],
  [`${V1}/space/{ownerId}`, `${V1}/{albumId}/update`],
].map((pair) => pair.join(' ~ '));

/** Redocly's no-ambiguous-paths: same length, same number of parameters, no fixed segment apart. */
function ambiguousPairs(paths: string[]): string[] {
  const parts = paths.map((p) => ({ p, segments: p.split('/'), variable: p.split('/').map((s) => /^{.+?}$/.test(s)) }));
  const count = (v: boolean[]) => v.filter(Boolean).length;
  const pairs: string[] = [];
  for (const [i, a] of parts.entries()) {
    for (const b of parts.slice(i + 1)) {
      if (a.segments.length !== b.segments.length || count(a.variable) !== count(b.variable)) continue;
      if (a.segments.every((s, k) => a.variable[k] || b.variable[k] || s === b.segments[k])) pairs.push([a.p, b.p].sort().join(' ~ '));
    }
  }
  return pairs.sort();
}

/** A request URL for a documented path: any ID will do for the gate (it answers before the route). */
const urlOf = (path: string): string => path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'type' ? '0' : '1805929618625036417'));

describe('the OpenAPI document (/openapi.json)', () => {
  let t: TestApp;
  let u: TestUser;
  let doc: Document;
  let operations: { method: string; path: string; op: Operation }[];
  before(async () => {
    t = await startTestApp();
    u = await t.newUser();
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    doc = res.json() as Document;
    operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method, path, op })));
  });
  after(() => t.close());

  const byId = (id: string) => operations.find((o) => o.op.operationId === id);

  test('is OpenAPI 3.1 with a non-empty servers list', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.servers && doc.servers.length > 0, 'servers');
    assert.deepEqual(doc.servers.map((s) => s.url), ['/']);
  });

  test('every operation has a unique, URL-safe PascalCase operationId', () => {
    assert.ok(operations.length >= 39, `${operations.length} operations`);
    const ids = operations.map((o) => o.op.operationId);
    for (const [i, id] of ids.entries()) assert.match(id ?? '', /^[A-Z][A-Za-z0-9]*$/, `${operations[i]!.method} ${operations[i]!.path}`);
    assert.equal(new Set(ids).size, ids.length, `duplicates: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
  });

  test('the album operations carry the KooDrive names at the documented paths', () => {
    for (const [id, [method, path]] of Object.entries(KOODRIVE_ALBUM_OPERATIONS)) {
      assert.equal(doc.paths[path]?.[method]?.operationId, id, `${method.toUpperCase()} ${path}`);
    }
  });

  test('the other operations carry the KooDrive page names, or albumd names for its additions', () => {
    for (const [id, [method, path]] of Object.entries(OTHER_OPERATIONS)) {
      assert.equal(doc.paths[path]?.[method]?.operationId, id, `${method.toUpperCase()} ${path}`);
    }
  });

  test('the /album aliases of update and batchDelete are served but documented once, under the KooDrive path', async () => {
    assert.equal(doc.paths[`${V1}/album/{albumId}/update`], undefined);
    assert.equal(doc.paths[`${V1}/album/{albumId}/batchDelete`], undefined);
    assert.match(byId('UpdateAlbum')!.op.description ?? '', /album\/\{albumId\}\/update/);
    assert.match(byId('BatchDeleteAlbumContent')!.op.description ?? '', /album\/\{albumId\}\/batchDelete/);
    const alias = await t.app.inject({ method: 'POST', url: `${V1}/album/1805929618625036417/update`, headers: { ...authHeaders(u), 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(alias.json().code, 13000309, alias.body);
  });

  test('the security scheme is the KooDrive Authorization header', () => {
    const scheme = doc.components.securitySchemes?.KooDriveToken;
    assert.deepEqual({ type: scheme?.type, in: scheme?.in, name: scheme?.name }, { type: 'apiKey', in: 'header', name: 'Authorization' });
  });

  test('security is declared on every authenticated operation and absent on login, refresh and the signed URLs', () => {
    for (const { method, path, op } of operations) {
      const id = op.operationId ?? '';
      const where = `${id} (${method.toUpperCase()} ${path})`;
      if (WITHOUT_TOKEN.includes(id)) assert.deepEqual(op.security, [], where);
      else if (TOKEN_OR_SIGNED.includes(id)) assert.deepEqual(op.security, [TOKEN, {}], where);
      else assert.deepEqual(op.security, [TOKEN], where);
    }
    assert.deepEqual(byId('Login')!.op.security, []);
    assert.deepEqual(byId('RefreshToken')!.op.security, []);
  });

  test('X-User-Id and X-Date are required header parameters with the token; X-Traceid and language optional; no Authorization parameter', () => {
    for (const { method, path, op } of operations) {
      const where = `${op.operationId} (${method.toUpperCase()} ${path})`;
      const header = (name: string) => op.parameters?.find((p) => p.in === 'header' && p.name === name);
      const needsToken = op.security?.length === 1 && 'KooDriveToken' in op.security[0]!;
      const mayUseToken = op.security?.some((r) => 'KooDriveToken' in r) ?? false;
      for (const name of ['x-user-id', 'x-date']) {
        if (mayUseToken) assert.equal(header(name)?.required, needsToken, `${where}: ${name}`);
        else assert.equal(header(name), undefined, `${where}: ${name}`);
      }
      for (const name of ['x-traceid', 'language']) assert.equal(header(name)?.required, false, `${where}: ${name}`);
      assert.equal(op.parameters?.find((p) => p.name.toLowerCase() === 'authorization'), undefined, `${where}: authorization`);
    }
    const xDate = byId('CreateAlbum')!.op.parameters!.find((p) => p.name === 'x-date')!;
    assert.ok(new RegExp(String(xDate.schema?.pattern)).test('20251103T070140Z'));
  });

  test('what the document requires is what the gate refuses without, in the catalogue order', async () => {
    const token = authHeaders(u).authorization!;
    let checked = 0;
    for (const { method, path, op } of operations) {
      const where = `${op.operationId} (${method.toUpperCase()} ${path})`;
      const send = async (headers: Record<string, string>) => {
        const res = await t.app.inject({ method: method.toUpperCase() as 'GET', url: urlOf(path), headers });
        return { status: res.statusCode, code: (res.json() as { code: number }).code };
      };
      if (op.security?.some((r) => 'KooDriveToken' in r)) {
        if (op.security.length === 1) assert.deepEqual(await send({}), { status: 401, code: 13001001 }, `${where}: no headers`);
        assert.deepEqual(await send({ authorization: token, 'x-date': authHeaders(u)['x-date']! }), { status: 401, code: 13001002 }, `${where}: no X-User-Id`);
        assert.deepEqual(await send({ authorization: token, 'x-user-id': u.userId }), { status: 401, code: 13001003 }, `${where}: no X-Date`);
        checked += 1;
      } else {
        const answer = await send({});
        assert.ok(![13001002, 13001003].includes(answer.code), `${where}: asks for no KooDrive headers, got ${answer.code}`);
      }
    }
    assert.ok(checked >= 35, `${checked} authenticated operations checked`);
  });

  test('every operation has a 2xx answer and its 4xx answers in the {code, msg} envelope', () => {
    const envelope = doc.components.schemas?.ErrorReply;
    assert.deepEqual(envelope?.required, ['code', 'msg']);
    assert.equal(envelope?.properties?.code?.type, 'integer');
    assert.equal(envelope?.properties?.msg?.type, 'string');
    for (const [name, response] of Object.entries(doc.components.responses ?? {})) {
      assert.equal(response.content?.['application/json']?.schema.$ref, '#/components/schemas/ErrorReply', name);
    }
    for (const { method, path, op } of operations) {
      const where = `${op.operationId} (${method.toUpperCase()} ${path})`;
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.some((s) => s.startsWith('2')), `${where}: a 2xx answer`);
      assert.deepEqual(op.responses['400'], { $ref: '#/components/responses/BadRequest' }, where);
      assert.deepEqual(op.responses['401'], { $ref: '#/components/responses/Unauthorized' }, where);
    }
  });

  test('no ambiguous paths but those the KooDrive API fixes', () => {
    assert.deepEqual(ambiguousPairs(Object.keys(doc.paths)), [...KNOWN_AMBIGUOUS].sort());
  });

  test('servers name ALBUMD_PUBLIC_URL when it is set', async () => {
    const other = await startTestApp({ ALBUMD_PUBLIC_URL: 'https://photos.example.org/' });
    try {
      const served = (await other.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Document;
      assert.deepEqual(served.servers?.map((s) => s.url), ['https://photos.example.org']);
    } finally {
      await other.close();
    }
  });
});
