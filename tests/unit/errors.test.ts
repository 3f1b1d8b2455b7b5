import Koa from 'koa';
import request from 'supertest';
import { errors } from '@strapi/utils';
import { graphqlCodeOf, safeGraphqlError, withRefusalCode } from '../../src/errors/graphql';
import {
  conflict,
  fieldProblem,
  forbidden,
  invalidField,
  invalidFields,
  notFound,
  Refusal,
  throwIfInvalid,
  unauthorized,
} from '../../src/errors/refusal';
import { isDatabaseUnreachable } from '../../src/errors/database-unavailable';
import { EventEmitter } from 'events';
import { Pool } from 'pg';
import { answerRefusals, restAnswerOf } from '../../src/errors/rest';

describe('a Refusal in REST: Strapi error shape, the status and name of each case', () => {
  test.each([
    [
      'a 403 with its reason',
      new Refusal('Enroll in the course first', 'not_enrolled'),
      403,
      'ForbiddenError',
      { reason: 'not_enrolled' },
    ],
    [
      'a 403 naming fields (a file of someone else)',
      forbidden('Not your file', 'not_file_owner', [{ path: ['cover'], message: 'cover', name: 'ForbiddenError' }]),
      403,
      'ForbiddenError',
      { errors: [{ path: ['cover'], message: 'cover', name: 'ForbiddenError' }], reason: 'not_file_owner' },
    ],
    [
      'a 409 conflict',
      conflict('Already enrolled', 'already_enrolled'),
      409,
      'ConflictError',
      { reason: 'already_enrolled' },
    ],
    [
      'a 401 with its reason',
      unauthorized('Invalid refresh token', 'account_blocked'),
      401,
      'UnauthorizedError',
      { reason: 'account_blocked' },
    ],
    ['a 404 without a reason', notFound('Course not found'), 404, 'NotFoundError', {}],
    [
      'a 400 naming one field',
      invalidField('lesson', 'No lesson has this documentId'),
      400,
      'ValidationError',
      { errors: [{ path: ['lesson'], message: 'No lesson has this documentId', name: 'ValidationError' }] },
    ],
  ])('%s', (_case, refusal, status, name, details) => {
    expect(restAnswerOf(refusal)).toEqual({
      status,
      body: { data: null, error: { status, name, message: refusal.message, details } },
    });
    // Key order as Strapi writes its own errors, so bodies stay byte for byte what they were.
    expect(Object.keys(restAnswerOf(refusal).body.error)).toEqual(['status', 'name', 'message', 'details']);
  });

  test('several refused fields: the general message, every field in details.errors', () => {
    const refusal = invalidFields([fieldProblem('title', 'title is required'), fieldProblem('body', 'body is long')]);
    expect(refusal.message).toBe('The request is not valid');
    expect(refusal.details).toEqual({ errors: refusal.fieldErrors });
    expect(refusal.status).toBe(400);
  });

  test('throwIfInvalid throws only when there are problems', () => {
    expect(() => throwIfInvalid([])).not.toThrow();
    expect(() => throwIfInvalid([fieldProblem('rating', 'rating must be 1 to 5')])).toThrow('rating must be 1 to 5');
  });

  test('a Refusal is an ApplicationError (Strapi shows its message anywhere) but no ForbiddenError (which Strapi hides)', () => {
    const refusal = new Refusal('Only its author may edit a review', 'not_author');
    expect(refusal).toBeInstanceOf(errors.ApplicationError);
    expect(refusal).not.toBeInstanceOf(errors.ForbiddenError);
  });
});

describe('the refusals middleware', () => {
  const logged: unknown[] = [];
  const appThrowing = (error: unknown) => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch {
        // What Strapi's error middleware would do with anything else.
        ctx.status = 500;
        ctx.body = { passedOn: true };
      }
    });
    app.use(answerRefusals((unreachable) => logged.push(unreachable)));
    app.use(() => {
      throw error;
    });
    return app.callback();
  };

  test('answers a Refusal with its status and Strapi error shape', async () => {
    const response = await request(appThrowing(conflict('This attempt is already submitted', 'already_submitted'))).get(
      '/'
    );
    expect(response.status).toBe(409);
    expect(response.body).toEqual({
      data: null,
      error: {
        status: 409,
        name: 'ConflictError',
        message: 'This attempt is already submitted',
        details: { reason: 'already_submitted' },
      },
    });
  });

  test("passes any other error on to Strapi's error middleware", async () => {
    const response = await request(appThrowing(new errors.NotFoundError('Quiz not found'))).get('/');
    expect(response.body).toEqual({ passedOn: true });
  });

  test('answers an unreachable database 503 database_unavailable, without the driver text, and logs it', async () => {
    const driverError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const response = await request(appThrowing(driverError)).get('/');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      data: null,
      error: {
        status: 503,
        name: 'ServiceUnavailableError',
        message: expect.not.stringContaining('5432'),
        details: { reason: 'database_unavailable' },
      },
    });
    expect(logged).toContain(driverError);
  });
});

describe('which errors mean the database cannot be reached', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  test.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    [
      'PostgreSQL shutting down (57P01 admin_shutdown)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['PostgreSQL starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    [
      "the pool's wait running out",
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
    ],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    [
      'a statement on a transaction whose connection was lost',
      new Error('Transaction query already complete, run with DEBUG=knex:tx for more info'),
    ],
    ['a wrapped driver error', new Error('query failed', { cause: withCode('ECONNRESET') })],
  ])('%s: unreachable', (_case, error) => {
    expect(isDatabaseUnreachable(error)).toBe(true);
  });
  describe("pg's own pool (the planOnce statements' connections), in its own words", () => {
    /** A client of the pool that connects at once, or never (then ended by the pool's timeout). */
    const fakeClient = (connects: boolean) =>
      class extends EventEmitter {
        private done?: (error?: Error) => void;
        connect(done: (error?: Error) => void): void {
          this.done = done;
          if (connects) done();
        }
        isConnected(): boolean {
          return connects;
        }
        end(): void {
          this.done?.(new Error('ended'));
        }
      };
    const refusalOf = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (refused: unknown) => refused
      );

    test('a connection attempt past its timeout: unreachable', async () => {
      const pool = new Pool({ Client: fakeClient(false) as never, connectionTimeoutMillis: 20, max: 1 });
      const error = await refusalOf(pool.connect());
      expect(error).toBeInstanceOf(Error);
      expect(isDatabaseUnreachable(error)).toBe(true);
    });

    test('every connection busy past the timeout: unreachable', async () => {
      const pool = new Pool({ Client: fakeClient(true) as never, connectionTimeoutMillis: 20, max: 1 });
      const held = await pool.connect();
      const error = await refusalOf(pool.connect());
      held.release();
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/timeout/);
      expect(isDatabaseUnreachable(error)).toBe(true);
    });
  });
  test.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601', 'syntax error at or near "FROM"')],
    ['a type error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['no error at all', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('%s: not unreachable', (_case, error) => {
    expect(isDatabaseUnreachable(error)).toBe(false);
  });
});

describe('a Refusal in GraphQL: the code of its status, the same reason and message as REST', () => {
  test.each([
    [new Refusal('Enroll in the course first', 'not_enrolled'), 'FORBIDDEN'],
    [unauthorized('Sign in again', 'session_ended'), 'FORBIDDEN'],
    [invalidField('rating', 'rating must be 1 to 5'), 'BAD_USER_INPUT'],
    [conflict('Already enrolled', 'already_enrolled'), 'STRAPI_CONFLICT_ERROR'],
    [notFound('Course not found'), 'STRAPI_NOT_FOUND_ERROR'],
  ])('%s → %s', (refusal, code) => {
    expect(graphqlCodeOf(refusal)).toBe(code);
    // As Strapi's formatter leaves it: the code of an ApplicationError, the error's fields in extensions.
    const formatted = {
      message: refusal.message,
      path: ['enroll'],
      extensions: {
        error: { name: refusal.name, message: refusal.message, details: refusal.details },
        code: `STRAPI_${refusal.name}`,
      },
    };
    const mapped = safeGraphqlError(withRefusalCode(formatted, { originalError: refusal }));
    expect(mapped).toEqual({
      message: refusal.message,
      path: ['enroll'],
      extensions: { error: { name: refusal.name, message: refusal.message, details: refusal.details }, code },
    });
  });

  test('any other error keeps the formatting it had', () => {
    const formatted = { message: 'Quiz not found', extensions: { code: 'STRAPI_NOT_FOUND_ERROR' } };
    expect(withRefusalCode(formatted, { originalError: new errors.NotFoundError('Quiz not found') })).toBe(formatted);
    expect(withRefusalCode(formatted, undefined)).toBe(formatted);
  });
});

describe('an unreachable database in GraphQL', () => {
  test('reads as the 503 Refusal: its code, reason and message, never the driver text', () => {
    const driverError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const formatted = withRefusalCode(
      { message: driverError.message, path: ['courses'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      { originalError: driverError }
    );
    const safe = safeGraphqlError(formatted);
    expect(safe.extensions?.code).toBe('STRAPI_SERVICE_UNAVAILABLE_ERROR');
    expect(safe.extensions?.error).toMatchObject({
      name: 'ServiceUnavailableError',
      details: { reason: 'database_unavailable' },
    });
    expect(JSON.stringify(safe)).not.toContain('5432');
  });
});
