import SwaggerParser from '@apidevtools/swagger-parser';
import { lyceumPaths } from '../../src/api-description/openapi';
import { body, object, string } from '../../src/api-description/schema';
import { describeUploadAsOneOperation } from '../../src/api-description/stock-fixes';
import { openApiSpecProblems } from '../helpers/openapi-rules';

const document = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths,
  ...extra,
});
const ok = { responses: { 200: { description: 'ok' } } };

describe('schema builders', () => {
  test('an object with every property optional has no `required` (OpenAPI 3.0 forbids an empty one)', () => {
    expect(object({ a: string() }, ['a'])).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
    expect(object({})).not.toHaveProperty('required');
    expect(body({ a: string() }, ['a'])).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      additionalProperties: false,
    });
    expect(object({ a: string(), b: string() }, ['b']).required).toEqual(['a']);
  });

  test("Lyceum's own paths pass the strict check on their own", async () => {
    const own = document(lyceumPaths(), {
      components: {
        schemas: { Error: { type: 'object' } },
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      },
    });
    expect(openApiSpecProblems(await SwaggerParser.validate(structuredClone(own) as never))).toEqual([]);
  });
});

describe('openApiSpecProblems: the OpenAPI 3.0 rules swagger-parser checks for Swagger 2.0 only', () => {
  test('a clean document has none', () => {
    expect(
      openApiSpecProblems(
        document({
          '/a/{id}': { get: { ...ok, operationId: 'a', parameters: [{ name: 'id', in: 'path', required: true }] } },
        })
      )
    ).toEqual([]);
  });

  test('duplicate operationIds', () => {
    expect(
      openApiSpecProblems(document({ '/a': { get: { ...ok, operationId: 'x' }, post: { ...ok, operationId: 'x' } } }))
    ).toEqual(['POST /a: operationId "x" is also GET /a\'s']);
  });

  test('path parameters: undeclared, optional, without a placeholder, declared twice, named twice', () => {
    expect(openApiSpecProblems(document({ '/a/{id}': { get: ok } }))).toEqual([
      'GET /a/{id}: {id} is not declared as a path parameter',
    ]);
    expect(
      openApiSpecProblems(document({ '/a/{id}': { get: { ...ok, parameters: [{ name: 'id', in: 'path' }] } } }))
    ).toEqual(['GET /a/{id}: path parameter "id" must have required: true']);
    expect(
      openApiSpecProblems(
        document({ '/a': { get: { ...ok, parameters: [{ name: 'id', in: 'path', required: true }] } } })
      )
    ).toEqual(['GET /a: path parameter "id" has no {id} in the path']);
    const twice = { name: 'id', in: 'path', required: true };
    expect(openApiSpecProblems(document({ '/a/{id}': { get: { ...ok, parameters: [twice, twice] } } }))).toEqual([
      'GET /a/{id}: more than one path parameter "id"',
    ]);
    expect(openApiSpecProblems(document({ '/a/{id}/{id}': { get: { ...ok, parameters: [twice] } } }))).toEqual([
      'GET /a/{id}/{id}: the path names {id} more than once',
    ]);
  });

  test("a path item's parameters count for its operations", () => {
    expect(
      openApiSpecProblems(
        document({ '/a/{id}': { parameters: [{ name: 'id', in: 'path', required: true }], get: ok } })
      )
    ).toEqual([]);
  });

  test('a query string in a path, an unknown security scheme, a repeated tag', () => {
    expect(
      openApiSpecProblems(document({ '/a?b={b}': { get: { ...ok, parameters: [{ name: 'b', in: 'query' }] } } }))
    ).toEqual([
      '/a?b={b}: a path may not carry a query string or fragment',
      'GET /a?b={b}: {b} is not declared as a path parameter',
    ]);
    expect(openApiSpecProblems(document({ '/a': { get: { ...ok, security: [{ nope: [] }] } } }))).toEqual([
      'GET /a: security scheme "nope" is not in components.securitySchemes',
    ]);
    expect(openApiSpecProblems(document({}, { tags: [{ name: 'A' }, { name: 'A' }] }))).toEqual([
      '#/tags: "A" is listed more than once',
    ]);
  });

  test('schemas: an empty required, a required property not declared, an array without items; cycles end', () => {
    const cyclic: Record<string, unknown> = { type: 'object', properties: {} };
    (cyclic.properties as Record<string, unknown>).self = cyclic;
    const schemas = {
      Empty: { type: 'object', properties: { a: { type: 'string' } }, required: [] },
      Missing: { type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'b'] },
      Inherited: {
        type: 'object',
        allOf: [{ type: 'object', properties: { b: { type: 'string' } } }],
        properties: { a: {} },
        required: ['a', 'b'],
      },
      List: { type: 'array' },
      Cyclic: cyclic,
    };
    expect(openApiSpecProblems(document({}, { components: { schemas } }))).toEqual([
      '#/components/schemas/Empty: empty required array',
      '#/components/schemas/Missing: "b" is required but not among the properties',
      '#/components/schemas/List: an array schema must have items',
    ]);
  });
});

describe('describeUploadAsOneOperation', () => {
  const uploadFile = { $ref: '#/components/schemas/UploadFile' };
  const stock = () => ({
    paths: {
      '/upload': {
        post: {
          requestBody: {
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['files'],
                  properties: { files: { type: 'array', items: { type: 'string' } } },
                },
              },
            },
          },
          responses: {
            200: {
              description: 'response',
              content: { 'application/json': { schema: { type: 'array', items: uploadFile } } },
            },
          },
        },
      },
      '/upload?id={id}': {
        post: {
          parameters: [{ name: 'id', in: 'query', required: true, schema: { type: 'string' } }],
          requestBody: {
            content: {
              'multipart/form-data': {
                schema: { type: 'object', properties: { fileInfo: { type: 'object' }, files: { type: 'string' } } },
              },
            },
          },
          responses: {
            200: {
              description: 'response',
              content: { 'application/json': { schema: { type: 'array', items: uploadFile } } },
            },
          },
        },
      },
    },
  });

  test('folds the `?id=` path into POST /upload with an optional query parameter and the real statuses', () => {
    const doc: any = stock();
    describeUploadAsOneOperation(doc);
    expect(Object.keys(doc.paths)).toEqual(['/upload']);
    const upload = doc.paths['/upload'].post;
    expect(upload.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'query', required: false, schema: { type: 'string' } }),
    ]);
    const schema = upload.requestBody.content['multipart/form-data'].schema;
    expect(schema.required).toBeUndefined();
    expect(schema.properties).toEqual({
      fileInfo: { type: 'object' },
      files: { type: 'array', items: { type: 'string' } },
    });
    expect(upload.responses[201].content['application/json'].schema).toEqual({ type: 'array', items: uploadFile });
    expect(upload.responses[200].content['application/json'].schema).toEqual(uploadFile);
  });

  test('leaves a document without that path as it is', () => {
    const doc: any = stock();
    delete doc.paths['/upload?id={id}'];
    const before = JSON.stringify(doc);
    describeUploadAsOneOperation(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });
});
