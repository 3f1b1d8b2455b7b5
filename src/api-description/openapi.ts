import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { assignmentRoutes } from './paths/assignments';
import { auditRoutes } from './paths/audit';
import { blogRoutes } from './paths/blog';
import { certificateRoutes } from './paths/certificates';
import { commerceRoutes } from './paths/commerce';
import { communityRoutes } from './paths/community';
import { enrollmentRoutes } from './paths/enrollment';
import { jobRoutes } from './paths/jobs';
import { marketplaceRoutes } from './paths/marketplace';
import { mediaRoutes } from './paths/media';
import { messagingRoutes } from './paths/messaging';
import { privacyRoutes } from './paths/privacy';
import { accountRoutes } from './paths/account';
import { profileRoutes } from './paths/profile';
import { progressRoutes } from './paths/progress';
import { quizRoutes } from './paths/quizzes';
import { searchRoutes } from './paths/search';
import { socialRoutes } from './paths/social';
import { taskRoutes } from './paths/tasks';
import { supportRoutes } from './paths/support';
import type { RouteDescription } from './route-description';

/** Every custom route of the contract. A test fails when a registered custom route is missing here. */
export const LYCEUM_ROUTES: RouteDescription[] = [
  ...profileRoutes,
  ...enrollmentRoutes,
  ...progressRoutes,
  ...quizRoutes,
  ...certificateRoutes,
  ...assignmentRoutes,
  ...communityRoutes,
  ...messagingRoutes,
  ...blogRoutes,
  ...jobRoutes,
  ...auditRoutes,
  ...privacyRoutes,
  ...accountRoutes,
  ...commerceRoutes,
  ...searchRoutes,
  ...socialRoutes,
  ...taskRoutes,
  ...mediaRoutes,
  ...supportRoutes,
  ...marketplaceRoutes,
];

export const DOCUMENT_VERSION = '1.0.0';
export const OPENAPI_JSON_PATH = `/documentation/v${DOCUMENT_VERSION}/openapi.json`;

const ERROR = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ERROR } } });

/** `/courses/:documentId/outline` → `/courses/{documentId}/outline` */
export const openApiPath = (koaPath: string) => koaPath.replace(/:(\w+)/g, '{$1}');

function operation(route: RouteDescription) {
  const parameters = [
    ...[...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: name === 'id' || name === 'userId' ? { type: 'integer', minimum: 1 } : { type: 'string' },
    })),
    ...Object.entries(route.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
    ...Object.entries(route.headers?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'header',
      required: route.headers?.required?.includes(name) ?? false,
      schema,
    })),
  ];
  const success: { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> } =
    route.noBody
      ? { description: 'Success (no body)' }
      : route.response
        ? { description: 'Success', content: { 'application/json': { schema: route.response } } }
        : {
            description: 'Success',
            content: {
              [route.contentType ?? 'application/octet-stream']: { schema: { type: 'string', format: 'binary' } },
            },
          };
  for (const type of route.alternativeContentTypes ?? [])
    (success.content as Record<string, unknown>)[type] = { schema: { type: 'string' } };
  if (route.responseHeaders)
    success.headers = Object.fromEntries(
      Object.entries(route.responseHeaders).map(([name, schema]) => {
        const { description, ...rest } = schema;
        return [name, { ...(description ? { description } : {}), schema: rest }];
      })
    );
  const responses: Record<string, unknown> = {
    [route.status]: success,
    400: errorResponse('Malformed request: `error.details.errors` names the fields'),
    404: errorResponse('Unknown id'),
  };
  for (const other of route.otherSuccesses ?? [])
    responses[other.status] = other.response
      ? { description: other.description, content: { 'application/json': { schema: other.response } } }
      : { description: other.description };
  // Payment providers send no token: they prove themselves by signature or address.
  const isUntokened = route.audience === 'public' || route.audience === 'payment provider';
  if (!isUntokened) responses[401] = errorResponse('No or expired token');
  if (!isUntokened)
    responses[403] = errorResponse('Not allowed for this role, not the owner, or refused by a rule (`details.reason`)');
  for (const refusal of route.refusals ?? []) {
    const reasons = refusal.reasons.length
      ? `: \`details.reason\` is one of ${refusal.reasons.map((reason) => `\`${reason}\``).join(', ')}`
      : '';
    responses[refusal.status] = errorResponse(`Refused${reasons}`);
  }
  return {
    tags: [route.tag],
    summary: route.summary,
    description: `Who: ${route.audience}.`,
    operationId: `${route.method.toLowerCase()}${openApiPath(route.path)
      .replace(/[{}]/g, '')
      .replace(/(^|[/-])(\w)/g, (_, __, letter: string) => letter.toUpperCase())}`,
    ...(isUntokened ? { security: [] } : {}),
    parameters,
    // A route may take JSON and multipart alike (a submission's text, with or without files).
    ...(route.requestBody || route.multipart || route.binaryBody
      ? {
          requestBody: {
            required: true,
            content: {
              ...(route.requestBody ? { 'application/json': { schema: route.requestBody } } : {}),
              ...(route.multipart ? { 'multipart/form-data': { schema: route.multipart } } : {}),
              ...(route.binaryBody ? { [route.binaryBody]: { schema: { type: 'string', format: 'binary' } } } : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

export function lyceumPaths(routes: RouteDescription[] = LYCEUM_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const key = openApiPath(route.path);
    paths[key] = { ...paths[key], [route.method.toLowerCase()]: operation(route) };
  }
  return paths;
}

/** In `register()`: the documentation plugin merges these paths into the document it generates. */
export function registerApiDescription(strapi: Core.Strapi) {
  const documentation = strapi.plugin('documentation');
  if (!documentation) return;
  const tags = [...new Set(LYCEUM_ROUTES.map((route) => route.tag))].map((name) => ({ name }));
  documentation.service('override').registerOverride({ tags, paths: lyceumPaths() });
}

let cachedDocument: string | undefined;

/**
 * The documentation plugin writes its document to a file and only serves it inside Swagger UI; the contract
 * promises the JSON at a stable address, so it is generated once per process and served from memory.
 */
async function openApiDocument(strapi: Core.Strapi): Promise<string> {
  if (cachedDocument) return cachedDocument;
  const service = strapi.plugin('documentation').service('documentation');
  const file = path.join(service.getFullDocumentationPath(), DOCUMENT_VERSION, 'full_documentation.json');
  // Several processes (test workers, a second instance) may write the file at once: generate, read, and
  // try again if what was read is half-written.
  for (let tries = 0; tries < 3; tries += 1) {
    await service.generateFullDoc(DOCUMENT_VERSION);
    try {
      const text = fs.readFileSync(file, 'utf8');
      JSON.parse(text);
      cachedDocument = text;
      return text;
    } catch {
      // written by another process meanwhile
    }
  }
  throw new Error('The OpenAPI document could not be generated');
}

/** A global middleware: `GET /documentation/v1.0.0/openapi.json`. */
export const serveOpenApiDocument =
  (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: any, next: () => Promise<void>) => {
    if (ctx.method !== 'GET' || ctx.path !== OPENAPI_JSON_PATH || !strapi.plugin('documentation')) return next();
    ctx.type = 'application/json';
    ctx.body = await openApiDocument(strapi);
  };
