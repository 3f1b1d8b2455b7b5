import fs from 'fs';
import path from 'path';
import fc from 'fast-check';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';
import { graphqlRequestArb, type GraphqlSchema } from './generators/graphql';
import {
  bodyContext,
  describeRequest,
  operationsOf,
  requestFor,
  type FuzzRequest,
  type Operation,
} from './generators/requests';
import { typeModelsOf, type TypeModels } from './generators/strapi-query';
import { judge, type Answer, type Finding } from './oracle';
import { closeConnections, send, sentStrings } from './send';
import { seedWorld, type World } from './world';

/**
 * Property-based fuzzing of the whole API (contract, "Security"): requests generated from the OpenAPI document and
 * Strapi's query grammar, against every route, as every role; the property is that no answer is a 5xx and none
 * shows SQL, a driver error, a stack trace or a server path.
 *
 * Deterministic in `npm test` (FUZZ_SEED, default 19; FUZZ_RUNS, default 5,000 requests in all); `npm run fuzz`
 * picks a random seed and more runs. A failure prints the seed, fast-check's path and the shrunk request, and
 * replays with `FUZZ_SEED=<seed> FUZZ_PATH=<path> node scripts/test.js tests/fuzz -t '<group>'`.
 * FUZZ_KEEP_GOING=1 does not stop at the first failure: it lists every kind of failure met, one example each.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 19);
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const REPLAY_PATH = process.env.FUZZ_PATH || undefined;
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';
// About 40 requests a second on 2 cores; generous, so a loaded machine does not turn a pass into a timeout.
const GROUP_TIMEOUT_MS = Math.max(600_000, TOTAL_RUNS * 250);

let app: TestApp;
let spec: any;
let models: TypeModels;
let operations: Operation[];
let graphqlSchema: GraphqlSchema;

interface Failure {
  group: string;
  request: FuzzRequest;
  answer: Answer;
  finding: Finding;
}
const failures: Failure[] = [];
const timings: string[] = [];

const excerpt = (answer: Answer) => {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return (text ?? '').slice(0, 400);
};

const failureLine = (failure: Failure) =>
  `${describeRequest(failure.request)} → ${failure.answer.status}: ${failure.finding.kind} (${JSON.stringify(failure.finding.evidence.slice(0, 80))}); body: ${excerpt(failure.answer)}`;

/** A cause is a route and a kind of failure: one example of each is enough to find it. */
const causeOf = (failure: Failure) => `${failure.finding.kind} | ${failure.request.method} ${failure.request.template}`;

class FuzzFailure extends Error {}

beforeAll(async () => {
  const booting = Date.now();
  app = await startLyceum();
  timings.push(`  boot: ${((Date.now() - booting) / 1000).toFixed(1)} s`);
  jest.spyOn(app.strapi.plugin('email').service('email'), 'send').mockResolvedValue(undefined as never);
  const response = await app.request.get('/documentation/v1.0.0/openapi.json');
  expect(response.status).toBe(200);
  spec = response.body;
  models = typeModelsOf(app.strapi.contentTypes as Record<string, any>);
  operations = operationsOf(spec, app.strapi.contentTypes as Record<string, any>);
  const introspection = await app.request.post('/graphql').send({ query: INTROSPECTION });
  graphqlSchema = introspection.body?.data?.__schema;
  timings.push(`  boot, OpenAPI document and GraphQL schema: ${((Date.now() - booting) / 1000).toFixed(1)} s`);
  console.log(
    `fuzz: FUZZ_SEED=${SEED}, FUZZ_RUNS=${TOTAL_RUNS}, ${operations.length} REST operations${REPLAY_PATH ? `, replaying FUZZ_PATH=${REPLAY_PATH}` : ''}`
  );
}, 120_000);

afterAll(async () => {
  if (timings.length) console.log(`fuzz timings (FUZZ_SEED=${SEED}):\n${timings.join('\n')}`);
  if (failures.length) {
    const file = path.join('.tmp', `fuzz-failures-${process.env.DATABASE_CLIENT ?? 'sqlite'}-${SEED}.json`);
    fs.mkdirSync('.tmp', { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify(
        failures.map((failure) => ({ group: failure.group, cause: causeOf(failure), line: failureLine(failure) })),
        null,
        2
      )
    );
  }
  if (app) {
    // The database is thrown away; the bytes the fuzzer uploaded to public/uploads go with it.
    const files: Array<{ url: string; formats?: Record<string, { url: string }> | null }> = await app.strapi.db
      .query('plugin::upload.file')
      .findMany({});
    for (const file of files) {
      for (const url of [file.url, ...Object.values(file.formats ?? {}).map((format) => format.url)]) {
        if (url?.startsWith('/uploads/')) fs.rmSync(path.join(process.cwd(), 'public', url), { force: true });
      }
    }
  }
  closeConnections();
  await stopLyceum();
});

const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { kind name
  fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
  inputFields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
  enumValues { name } } } }`;

/**
 * Seeding takes seconds, so groups share a world where the first leaves it whole: the lists only read, so the custom
 * routes use their world after them; the accounts group blocks and deletes users, so it has its own.
 */
const WORLD_OF_GROUP: Record<string, string> = {
  lists: 'a',
  'custom routes': 'a',
  'core entries': 'b',
  graphql: 'b',
  accounts: 'c',
};
const worlds = new Map<string, Promise<World>>();
function worldFor(group: string): Promise<World> {
  const key = WORLD_OF_GROUP[group] ?? group;
  if (!worlds.has(key)) worlds.set(key, seedWorld(app));
  return worlds.get(key) as Promise<World>;
}

/** Runs one group's property: `runs` generated requests, each sent once, judged by the oracle. */
async function fuzz(
  group: string,
  runs: number,
  arbitrary: (world: World) => fc.Arbitrary<FuzzRequest>,
  prefix = '/api'
) {
  const seeding = Date.now();
  const world = await worldFor(group);
  const seeded = (Date.now() - seeding) / 1000;
  if (world.seedProblems.length)
    console.warn(
      `fuzz ${group}: seeding steps that failed (the fuzzer reaches less):\n${world.seedProblems.join('\n')}`
    );
  let sent = 0;
  const statuses = new Map<string, number>();
  const started = Date.now();
  const property = fc.asyncProperty(arbitrary(world), async (request) => {
    sent += 1;
    let answer: Answer;
    try {
      answer = await send(app.baseUrl, world, request, prefix);
    } catch (error) {
      // No answer at all (a hang, a dropped connection) is as bad as a 500.
      // (Status 599 is this suite's mark for "no answer", never a server's own.)
      answer = { status: 599, text: `no answer: ${String(error)}`, body: `no answer: ${String(error)}` };
    }
    const statusClass = answer.status < 300 ? '2xx' : String(answer.status);
    statuses.set(statusClass, (statuses.get(statusClass) ?? 0) + 1);
    const finding = judge(answer, sentStrings(request));
    if (!finding) return;
    const failure = { group, request, answer, finding };
    failures.push(failure);
    if (!KEEP_GOING) throw new FuzzFailure(failureLine(failure));
  });
  try {
    await fc.assert(property, { seed: SEED, numRuns: REPLAY_PATH ? 1 : runs, path: REPLAY_PATH, endOnFailure: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const pathFound = /path: "([^"]*)"/.exec(message)?.[1];
    // fast-check 4 keeps the predicate's own error (status, body excerpt) as the cause, out of its message.
    const cause = (error as { cause?: unknown })?.cause;
    const answer = cause instanceof FuzzFailure ? `\nAnswer: ${cause.message}\n` : '';
    throw new Error(
      `The fuzzer found an answer that breaks the contract (a 5xx, or SQL/stack/path text) in "${group}".\n` +
        `Replay: FUZZ_SEED=${SEED}${pathFound ? ` FUZZ_PATH=${pathFound}` : ''} node scripts/test.js tests/fuzz -t '${group}'\n${answer}\n${message}`
    );
  } finally {
    const seconds = (Date.now() - started) / 1000;
    timings.push(
      `  ${group}: ${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s), after seeding its data in ${seeded.toFixed(1)} s; answers ${[
        ...statuses.entries(),
      ]
        .sort()
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`
    );
  }
  const mine = failures.filter((failure) => failure.group === group);
  if (mine.length) {
    const byCause = new Map<string, Failure[]>();
    for (const failure of mine) byCause.set(causeOf(failure), [...(byCause.get(causeOf(failure)) ?? []), failure]);
    const lines = [...byCause.entries()].map(([cause, list]) => {
      const shortest = list.reduce((best, next) => (failureLine(next).length < failureLine(best).length ? next : best));
      return `- ${cause} (${list.length}×)\n    ${failureLine(shortest)}`;
    });
    throw new Error(
      `The fuzzer found ${mine.length} failing answers in "${group}" (FUZZ_SEED=${SEED}), ${byCause.size} causes:\n${lines.join('\n')}`
    );
  }
}

/** Requests for a set of operations, each operation as likely as another. */
const restRequests = (select: (operation: Operation) => boolean) => (world: World) => {
  const chosen = operations.filter(select);
  expect(chosen.length).toBeGreaterThan(0);
  const context = bodyContext(world, spec.components?.schemas ?? {});
  return fc.constantFrom(...chosen).chain((operation) => requestFor(operation, world, models, context));
};

const isAccountRoute = (operation: Operation) =>
  /^\/(users|auth|connect|upload|users-permissions)(\/|$)/.test(operation.template);
const isCoreEntry = (operation: Operation) =>
  !operation.listOf && /^\/[a-z-]+(\/\{id\})?$/.test(operation.template) && !isAccountRoute(operation);
const share = (part: number) => Math.max(1, Math.round(TOTAL_RUNS * part));

describe('fuzzing the API: no 5xx, no SQL, stack or path in any answer', () => {
  test(
    'lists with generated filters, sort, populate, fields and pagination',
    async () => {
      await fuzz(
        'lists',
        share(0.3),
        restRequests((operation) => Boolean(operation.listOf) && !isAccountRoute(operation))
      );
    },
    GROUP_TIMEOUT_MS
  );

  test(
    'core entries: read, create, update, delete with generated and mutated bodies',
    async () => {
      await fuzz('core entries', share(0.2), restRequests(isCoreEntry));
    },
    GROUP_TIMEOUT_MS
  );

  test(
    'custom routes of the plugins and APIs',
    async () => {
      await fuzz(
        'custom routes',
        share(0.3),
        restRequests((operation) => !operation.listOf && !isCoreEntry(operation) && !isAccountRoute(operation))
      );
    },
    GROUP_TIMEOUT_MS
  );

  test(
    'users, auth and uploads',
    async () => {
      await fuzz('accounts', share(0.12), restRequests(isAccountRoute));
    },
    GROUP_TIMEOUT_MS
  );

  test(
    'GraphQL queries and mutations',
    async () => {
      expect(graphqlSchema?.types?.length).toBeGreaterThan(0);
      await fuzz('graphql', share(0.08), (world) => graphqlRequestArb(graphqlSchema, world, models), '');
    },
    GROUP_TIMEOUT_MS
  );
});
