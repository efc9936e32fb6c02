import type { FastifyContextConfig, FastifySchema } from 'fastify';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { Config } from '../config.js';
import { ErrorReply } from './schemas/common.js';

/**
 * The OpenAPI 3.1 document (`GET /openapi.json`, `/docs`), made by @fastify/swagger from the route
 * schemas. What every KooDrive route shares is added here, from the same route config the header
 * gate reads (`kooDrive`, `public`), so the document cannot say otherwise than the gate does:
 *
 * - the security scheme (the `Authorization` token) on every gated operation; none on login,
 *   refresh and the signed URLs; the token or a signed URL on a public route that `acceptsToken`
 *   (the thumbnail). A route schema's own `security` wins;
 * - the KooDrive headers as header parameters: `X-User-Id` and `X-Date` required where the token
 *   is, `X-Traceid` and `language` optional. They are documented, not validated by the schema: the
 *   gate checks them first, in the catalogue's order (13001001, 13001002, 13001003);
 * - the error answers (400, 401, 429 where the request limit applies), all the `{code, msg}` envelope;
 * - a raw request body (`consumes`) and a bytes answer (`produces`) for the routes that stream.
 */

/** Name of the security scheme in `components.securitySchemes`. */
export const KOODRIVE_TOKEN = 'KooDriveToken';

/** Carries the error statuses of an operation from `transform` to `transformObject`. */
const ERRORS_KEY = 'x-albumd-errors';

const errorResponses: Record<string, { name: string; description: string }> = {
  400: {
    name: 'BadRequest',
    description:
      'A parameter or a rule of the request failed: 13000101 malformed request, 13000102 invalid parameter (`msg` names the field and the rule), ' +
      '13000301 space not available, 13000306 in the recycle bin, 13000309 not found (or not visible to the caller), 13000311 quota, ' +
      '13000402 integrity check, 13000405 name taken, 13000410 no permission, 13001101 wrong album type, 13001102 limit reached, ' +
      '13001103 not a photo or video, 13001104 already a member or invited. A failed batch lists each failed entry in `failList`.',
  },
  401: {
    name: 'Unauthorized',
    description:
      '13001001 the token (or the login, the refresh token, the signed URL) is missing, unknown, expired or revoked; ' +
      "13001002 X-User-Id is missing or not the token's user; 13001003 X-Date is missing, malformed, older than 15 minutes or ahead of the server.",
  },
  429: { name: 'TooManyRequests', description: '13001004 too many requests (per user, or per address before login); try again later.' },
};

type JsonSchema = Record<string, unknown>;
type Properties = Record<string, JsonSchema>;

/** Fresh objects per route: @fastify/swagger moves `examples` out of the schemas it is given. */
function kooDriveHeaders(token: boolean, tokenRequired: boolean): { properties: Properties; required: string[] } {
  const properties: Properties = {};
  if (token) {
    properties['x-user-id'] = {
      type: 'string',
      minLength: 1,
      description: "X-User-Id: the token's user ID",
      examples: ['1882575898755117312'],
    };
    properties['x-date'] = {
      type: 'string',
      pattern: '^\\d{8}T\\d{6}Z$',
      description:
        'X-Date: now, UTC, `YYYYMMDDTHHmmssZ` (`date -u +%Y%m%dT%H%M%SZ`); at most 15 minutes old and not ahead of the server ' +
        '(beyond ALBUMD_XDATE_TOLERANCE, 30 s by default)',
      examples: ['20251103T070140Z'],
    };
  }
  properties['x-traceid'] = {
    type: 'string',
    pattern: '^[A-Za-z0-9_]{58}$',
    description: 'X-Traceid: 58 characters of `[A-Za-z0-9_]`, echoed in the X-Traceid response header; albumd makes one when absent',
  };
  properties.language = {
    type: 'string',
    description: '`zh_cn` (or `zh-CN`) for Chinese messages; English otherwise (`en_us`, the default)',
    examples: ['en_us'],
  };
  return { properties, required: token && tokenRequired ? ['x-user-id', 'x-date'] : [] };
}

function bytes(mediaType: string, description: string): JsonSchema {
  return { description, content: { [mediaType]: { schema: { type: 'string', contentMediaType: mediaType } } } };
}

/** The document's view of one route's schema (the route's own schema is left as it is). */
export function documentedSchema(schema: FastifySchema | undefined, config: FastifyContextConfig | undefined): FastifySchema | undefined {
  if (!config?.kooDrive || schema?.hide) return schema;
  const { consumes, produces, ...own } = schema ?? {};
  const token = { [KOODRIVE_TOKEN]: [] };
  const security = own.security ?? (!config.public ? [token] : config.acceptsToken ? [token, {}] : []);
  const withToken = security.some((requirement) => KOODRIVE_TOKEN in requirement);
  const anonymous = security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0);
  const shared = kooDriveHeaders(withToken, !anonymous);
  const routeHeaders = (own.headers ?? {}) as { properties?: Properties; required?: string[] };
  const rawBody = consumes?.[0];
  const answer = produces?.[0];
  return {
    ...own,
    security,
    headers: {
      type: 'object',
      properties: { ...shared.properties, ...routeHeaders.properties },
      required: [...shared.required, ...(routeHeaders.required ?? [])],
    },
    ...(rawBody && !own.body ? { body: { content: { [rawBody]: { schema: { description: "the file's bytes", type: 'string', contentMediaType: rawBody } } } } } : {}),
    ...(answer && !own.response ? { response: { 200: bytes(answer, 'The bytes') } } : {}),
    [ERRORS_KEY]: config.media ? [400, 401] : [400, 401, 429],
  } as FastifySchema;
}

interface Operation {
  responses?: Record<string, unknown>;
  [ERRORS_KEY]?: number[];
}

/** Turns each operation's error statuses into references to the shared error responses; names its success. */
function withErrorResponses<D extends { paths?: unknown; components?: unknown }>(document: D): D {
  const components = (document.components ?? {}) as { schemas?: Record<string, unknown>; responses?: Record<string, unknown> };
  const { $id: _id, ...errorSchema } = JSON.parse(JSON.stringify(ErrorReply)) as JsonSchema;
  components.schemas = { ...components.schemas, ErrorReply: errorSchema };
  components.responses = {
    ...components.responses,
    ...Object.fromEntries(
      Object.values(errorResponses).map(({ name, description }) => [
        name,
        { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorReply' } } } },
      ]),
    ),
  };
  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const answer = response as { description?: string };
        if (status.startsWith('2') && answer.description === 'Default Response') answer.description = 'Success: `code` 0';
      }
      const statuses = operation[ERRORS_KEY];
      if (!statuses) continue;
      delete operation[ERRORS_KEY];
      for (const status of statuses) {
        const known = errorResponses[status];
        if (known) operation.responses = { ...operation.responses, [status]: { $ref: `#/components/responses/${known.name}` } };
      }
    }
  }
  return { ...document, components };
}

const description = `The KooDrive album API as albumd serves it: the public KooDrive Carrier API (album, file, family and
account endpoints) plus albumd's additions, each marked as such.

Every authenticated call sends the access token (\`Authorization: Bearer+AT <token>\` as the KooDrive pages show it),
\`X-User-Id\` (the token's user) and \`X-Date\` (now, UTC); \`X-Traceid\` and \`language\` are optional. Get a token with
\`auth/login\`, renew it with \`auth/refreshToken\` before \`expiresIn\` ends.

Every JSON answer is the envelope \`{"code": <number>, "msg": "…", …}\`: \`code\` 0 on success, else a code of the error
catalogue, with the HTTP status that goes with it. File endpoints work in a family's space when
\`x-hw-share-folder-id\` names its share folder.`;

/** The options of @fastify/swagger for albumd. */
export function openApiOptions(config: Pick<Config, 'publicUrl'>): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'albumd — KooDrive album API',
        version: '0.1.0',
        description,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative to the document (served at the root) unless albumd knows its public origin.
      servers: [
        config.publicUrl
          ? { url: config.publicUrl, description: 'ALBUMD_PUBLIC_URL' }
          : { url: '/', description: 'this server (the origin /openapi.json was fetched from)' },
      ],
      tags: [
        { name: 'Auth', description: 'Login, token refresh and logout (accounts are made with `bin/albumd user add`).' },
        { name: 'Users and spaces', description: "The caller's user and personal space, to find where its files go." },
        { name: 'Albums', description: 'Manual albums (filled by hand) and collection albums (live over up to 30 folders), personal or shared in a family.' },
        { name: 'Files', description: 'Folders, file details, listings, downloads, rename, move, recycle bin.' },
        { name: 'Uploads', description: 'The three-step upload (create, PUT each part to its signed URL, complete) and its abort.' },
        { name: 'Families', description: 'Family shared folders: a family space and its shared albums.' },
        { name: 'Family members', description: 'Invitations by phone number, members, leaving a family.' },
      ],
      components: {
        securitySchemes: {
          [KOODRIVE_TOKEN]: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description:
              'The access token of auth/login or auth/refreshToken (`"AT <64 hex>"`) as KooDrive documents it: `Bearer+AT <hex>`. ' +
              'Also accepted: `Bearer <hex>`, `Bearer AT <hex>`, `AT <hex>`, `AT+<hex>` (the scheme, then a space or a literal `+`, ' +
              'then the token bare or as returned). It goes with the X-User-Id and X-Date header parameters.',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => ({ schema: documentedSchema(schema, route.config) ?? schema, url }),
    transformObject: (document) => ('openapiObject' in document ? withErrorResponses(document.openapiObject) : document.swaggerObject),
  };
}
