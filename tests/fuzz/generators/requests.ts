import fc from 'fast-check';
import qs from 'qs';
import type { Actor, Pool, World } from '../world';
import { ACTORS } from '../world';
import { bodyArb, fromSchema, RAW_BODIES, type BodyContext } from './bodies';
import { EDGE_NUMBERS, junkText } from './junk';
import { RAW_QUERY_FRAGMENTS, restQueryArb, type TypeModels } from './strapi-query';

/**
 * A REST request generated from one operation of the OpenAPI document: the path filled with real ids of the seeded
 * world or with junk, a query (Strapi's grammar for lists, the declared parameters otherwise), a body from the
 * request schema (valid or mutated), sent as one of the actors.
 */
export interface Operation {
  method: string;
  /** As the document writes it: `/courses/{documentId}/outline`. */
  template: string;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: any }>;
  jsonSchema?: any;
  multipart: boolean;
  /** For a route that takes Strapi's query grammar: the content type it lists. */
  listOf?: string;
}

export type Body =
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string; text: string }
  | {
      kind: 'multipart';
      fields: Record<string, string>;
      file?: { bytes: 'png' | 'text' | 'empty'; filename: string; contentType: string };
    };

export interface FuzzRequest {
  method: string;
  template: string;
  /** Path and query string as sent, below `/api` (or `/graphql` for GraphQL). */
  url: string;
  actor: Actor;
  body?: Body;
}

const preview = (value: unknown, limit = 300) => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length} chars)` : text;
};

/** How a request prints in fast-check's counterexample and in failure messages: what one would type to replay it. */
export function describeRequest(request: FuzzRequest): string {
  const body = !request.body
    ? ''
    : request.body.kind === 'json'
      ? ` json ${preview(request.body.value)}`
      : request.body.kind === 'raw'
        ? ` ${request.body.contentType} ${preview(request.body.text)}`
        : ` multipart ${preview(request.body.fields)}${request.body.file ? ` file ${request.body.file.filename} (${request.body.file.contentType})` : ''}`;
  return `${request.method} ${preview(request.url, 600)} as ${request.actor}${body}`;
}

/** Gives the object a readable form in fast-check's report. */
export function printable(request: FuzzRequest): FuzzRequest {
  return Object.defineProperty(request, fc.toStringMethod, {
    value: () => describeRequest(request),
    enumerable: false,
  });
}

/** The operations of the document, plus the refresh routes it omits. */
export function operationsOf(spec: any, contentTypes: Record<string, any>): Operation[] {
  const byPlural = new Map<string, string>();
  for (const [uid, contentType] of Object.entries<any>(contentTypes))
    if (uid.startsWith('api::')) byPlural.set(contentType.info.pluralName, uid);
  byPlural.set('users', 'plugin::users-permissions.user');
  byPlural.set('upload/files', 'plugin::upload.file');
  const operations: Operation[] = [];
  for (const [rawTemplate, methods] of Object.entries<any>(spec.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      // The document writes a file replacement as `/upload?id={id}`: the id is a query parameter.
      const [template, queryPart] = rawTemplate.split('?');
      const parameters: any[] = operation.parameters ?? [];
      const listOf =
        method === 'get' && parameters.some((parameter) => parameter.name === 'filters')
          ? byPlural.get(template.slice(1))
          : undefined;
      const fixedList =
        method === 'get' && ['/users', '/upload/files'].includes(template)
          ? byPlural.get(template.slice(1))
          : undefined;
      operations.push({
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        queryParams: [
          ...parameters
            .filter((parameter) => parameter.in === 'query')
            .map((parameter) => ({ name: parameter.name, schema: parameter.schema ?? {} })),
          ...(queryPart ? [{ name: 'id', schema: { type: 'integer' } }] : []),
        ],
        jsonSchema: operation.requestBody?.content?.['application/json']?.schema,
        multipart: Boolean(operation.requestBody?.content?.['multipart/form-data']),
        listOf: listOf ?? fixedList,
      });
    }
  }
  const refreshBody = { type: 'object', properties: { refreshToken: { type: 'string' } } };
  operations.push(
    {
      method: 'POST',
      template: '/auth/refresh',
      pathParams: [],
      queryParams: [],
      jsonSchema: refreshBody,
      multipart: false,
    },
    {
      method: 'POST',
      template: '/auth/logout',
      pathParams: [],
      queryParams: [],
      jsonSchema: refreshBody,
      multipart: false,
    }
  );
  return operations;
}

const COLLECTION_POOLS: Array<[RegExp, Pool]> = [
  [/^\/courses\//, 'course'],
  [/^\/lessons\//, 'lesson'],
  [/^\/quizzes\//, 'quiz'],
  [/^\/assignments\//, 'assignment'],
  [/^\/announcements\//, 'announcement'],
  [/^\/categories\//, 'category'],
  [/^\/tags\//, 'tag'],
  [/^\/article-categories\//, 'articleCategory'],
  [/^\/articles\//, 'article'],
  [/^\/submissions\//, 'submission'],
  [/^\/reviews\//, 'review'],
  [/^\/comments\//, 'comment'],
  [/^\/certificates\//, 'certificate'],
  [/^\/users\//, 'user'],
  [/^\/upload\/files\//, 'file'],
  [/^\/notifications\//, 'notification'],
  [/^\/quiz-attempts\//, 'attempt'],
  [/^\/teachers\//, 'user'],
  [/^\/users-permissions\/roles\//, 'role'],
];

/** Which seeded entries a path parameter names. */
function poolOfParameter(template: string, name: string): Pool | undefined {
  if (name === 'userId') return 'user';
  if (name === 'code') return 'certificateCode';
  if (name === 'slug') return 'articleSlug';
  return COLLECTION_POOLS.find(([pattern]) => pattern.test(template))?.[1];
}

/** Property names in bodies and queries that name an entry, and the pool of real ones. */
const PROPERTY_POOLS: Record<string, Pool> = {
  course: 'course',
  courses: 'course',
  prerequisites: 'course',
  lesson: 'lesson',
  lessons: 'lesson',
  quiz: 'quiz',
  quizzes: 'quiz',
  assignment: 'assignment',
  assignments: 'assignment',
  category: 'category',
  categories: 'category',
  tags: 'tag',
  teachers: 'userDocument',
  author: 'userDocument',
  user: 'user',
  avatar: 'file',
  cover: 'file',
  video: 'file',
  materials: 'file',
  files: 'file',
  question: 'question',
  choices: 'option',
  parent: 'comment',
  announcements: 'announcement',
  articles: 'article',
  role: 'role',
  refId: 'course',
};

/** A query object as a query string, brackets left readable (`filters[title][$eq]=a`), everything else escaped. */
export const writeQuery = (query: Record<string, unknown>) =>
  qs.stringify(query, {
    encoder: (text, _default, _charset, kind) => {
      const escaped = encodeURIComponent(String(text));
      return kind === 'key' ? escaped.replace(/%5B/g, '[').replace(/%5D/g, ']') : escaped;
    },
  });

/** Segments put into a path unencoded: what a URL decoder chokes on. */
const RAW_SEGMENTS = ['%', '%E0%A4%A', '%zz', '%00', '%2F', '..', '.', '%C0%AE', ';', 'a%20b', '%uD800'];

function pathValue(world: World, pool: Pool | undefined): fc.Arbitrary<{ text: string; raw: boolean }> {
  const real = pool && world.pools[pool].length ? fc.constantFrom(...world.pools[pool]) : undefined;
  const allReal = fc.constantFrom(...Object.values(world.pools).flat().concat(['x']));
  const encoded = (arbitrary: fc.Arbitrary<unknown>) =>
    arbitrary.map((value) => ({ text: encodeURIComponent(String(value)), raw: false }));
  return fc.oneof(
    ...(real ? [{ weight: 8, arbitrary: encoded(real) }] : []),
    { weight: 2, arbitrary: encoded(allReal) },
    { weight: 2, arbitrary: encoded(fc.oneof(junkText(), fc.constantFrom(...EDGE_NUMBERS))) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS).map((text) => ({ text, raw: true })) }
  );
}

export function bodyContext(world: World, components: Record<string, any>): BodyContext {
  return {
    components,
    idsFor: (property) => {
      const pool = PROPERTY_POOLS[property];
      return pool && world.pools[pool].length ? fc.constantFrom(...world.pools[pool]) : undefined;
    },
  };
}

function queryFor(operation: Operation, world: World, models: TypeModels, context: BodyContext): fc.Arbitrary<string> {
  const declared =
    operation.queryParams.length === 0
      ? fc.constant({})
      : fc.record(
          Object.fromEntries(
            operation.queryParams.map(({ name, schema }) => [
              name,
              fc.oneof(
                { weight: 3, arbitrary: fromSchema(schema, context, name) },
                { weight: 1, arbitrary: junkText() },
                { weight: 1, arbitrary: fc.array(junkText(), { maxLength: 2 }) }
              ),
            ])
          ),
          { requiredKeys: [] }
        );
  // Declared parameters are written as they are named (`pagination[page]=1`), bracketed names included.
  const declaredText = declared.map((values) =>
    Object.entries(values)
      .flatMap(([name, value]) => (Array.isArray(value) ? value.map((item) => [name, item]) : [[name, value]]))
      .map(
        ([name, value]) =>
          `${encodeURIComponent(String(name)).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value))}`
      )
      .join('&')
  );
  const grammar = operation.listOf ? restQueryArb(models, operation.listOf).map(writeQuery) : undefined;
  const raw = fc
    .array(fc.constantFrom(...RAW_QUERY_FRAGMENTS), { minLength: 1, maxLength: 2 })
    .map((fragments) => fragments.join('&'));
  const options: Array<fc.WeightedArbitrary<string>> = [
    { weight: 1, arbitrary: fc.constant('') },
    { weight: operation.listOf ? 1 : 4, arbitrary: declaredText },
    { weight: 1, arbitrary: raw },
  ];
  if (grammar) options.push({ weight: 8, arbitrary: grammar });
  return fc.oneof(...options);
}

function bodyFor(operation: Operation, context: BodyContext): fc.Arbitrary<Body | undefined> {
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(operation.method);
  const json = bodyArb(operation.jsonSchema, context).map((value): Body => ({ kind: 'json', value }));
  const raw = fc
    .constantFrom(...RAW_BODIES)
    .chain((text) =>
      fc
        .constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data')
        .map((contentType): Body => ({ kind: 'raw', contentType, text }))
    );
  const multipart = fc
    .record({
      fields: fc.dictionary(
        fc.constantFrom('fileInfo', 'text', 'ref', 'refId', 'field', 'path', 'data', 'files'),
        fc.oneof(junkText(), fc.constant('{"name":"x","caption":"y"}'), fc.constant('{"alternativeText":1}'))
      ),
      file: fc.option(
        fc.record({
          bytes: fc.constantFrom('png' as const, 'text' as const, 'empty' as const),
          filename: fc.oneof(
            fc.constantFrom('a.png', 'notes.txt', '../../x.png', 'a'.repeat(300) + '.png', 'файл.png', '.png', 'x'),
            junkText()
          ),
          contentType: fc.constantFrom('image/png', 'text/plain', 'application/octet-stream', 'text/html', 'x/y'),
        }),
        { nil: undefined }
      ),
    })
    .map((parts): Body => ({ kind: 'multipart', ...parts }));
  if (operation.multipart) {
    const choices: Array<fc.WeightedArbitrary<Body | undefined>> = [
      { weight: 4, arbitrary: multipart },
      { weight: 1, arbitrary: raw },
    ];
    if (operation.jsonSchema) choices.push({ weight: 3, arbitrary: json });
    return fc.oneof(...choices);
  }
  if (!hasBody) return fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: json });
  return fc.oneof(
    { weight: 8, arbitrary: json },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant(undefined) }
  );
}

/** Requests for one operation. */
export function requestFor(
  operation: Operation,
  world: World,
  models: TypeModels,
  context: BodyContext,
  actors: readonly Actor[] = ACTORS
): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(
    ...operation.pathParams.map((name) => pathValue(world, poolOfParameter(operation.template, name)))
  );
  return fc
    .record({
      actor: fc.constantFrom(...actors),
      params: operation.pathParams.length ? params : fc.constant([] as Array<{ text: string; raw: boolean }>),
      query: queryFor(operation, world, models, context),
      body: bodyFor(operation, context),
    })
    .map(({ actor, params, query, body }) => {
      let index = 0;
      const path = operation.template.replace(/\{\w+\}/g, () => params[index++].text);
      return printable({
        method: operation.method,
        template: operation.template,
        url: query ? `${path}?${query}` : path,
        actor,
        ...(body ? { body } : {}),
      });
    });
}
