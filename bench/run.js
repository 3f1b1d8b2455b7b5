#!/usr/bin/env node
'use strict';
// `npm run bench`: seeds a throwaway PostgreSQL database, starts the production build on it (REST cache on,
// then off), drives each scenario with autocannon on loopback, and writes bench/results.json and
// bench/RESULTS.md. Options: --scale=tiny|small|large, --duration=<seconds>, --warm-up=<seconds> (unmeasured run
// before each timed scenario, default 3; one unmeasured round for round-based ones), --connections=<n>, --compare,
// --only=<scenario,…>, --keep (leave the database and its plan for a look or a rerun),
// --database=<name> (rerun on a database kept by --keep, without seeding again; the database stays; add --skip-build
// to reuse the last build), --instances=2 (with REDIS_URL: the
// cached pass with one web instance, then with two on the same data, and the ratio between them), --pass=cached|uncached
// (only that pass), --posts=<n> / --tutors=<n> (seed that many posts or tutor profiles whatever the scale).
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {
  root,
  log,
  installDependencies,
  buildPlugins,
  buildApp,
  strapiBin,
  credentialSigningKey,
} = require('../scripts/lib');

installDependencies();
const autocannon = require('autocannon');
const { Client } = require('pg');
const { scenarios, compareScenarios, examScenarios } = require('./scenarios');
const { percentile } = require('./timing');
const { measureWaitlistPromotion } = require('./waitlist');
const { measureDataExport } = require('./data-export');
const { prepareVideoRows } = require('./video');

const args = Object.fromEntries(
  process.argv.slice(2).map((argument) => {
    const [name, value] = argument.replace(/^--/, '').split('=');
    return [name, value ?? 'true'];
  })
);
const options = {
  scale: args.scale ?? 'small',
  duration: Number(args.duration ?? 10),
  warmUpSeconds: Number(args['warm-up'] ?? 3),
  connections: Number(args.connections ?? 10),
  compare: args.compare === 'true',
  keep: args.keep === 'true',
  only: args.only ? args.only.split(',') : null,
  port: Number(args.port ?? 1437),
  instances: Number(args.instances ?? 1),
  /** `cached` or `uncached`: only that pass (a patch's gain, measured on the pass it touches). */
  pass: args.pass ?? null,
  /** `--posts=<n>`, `--tutors=<n>`: that table at another size than the scale's (bench/seed.js). */
  scaleOverrides: Object.fromEntries(
    ['posts', 'tutors'].filter((name) => args[name] !== undefined).map((name) => [name, Number(args[name])])
  ),
};
for (const [name, count] of Object.entries(options.scaleOverrides))
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`--${name} takes a whole number of rows`);
if (options.pass !== null && !['cached', 'uncached'].includes(options.pass))
  throw new Error('--pass takes cached or uncached');
if (![1, 2].includes(options.instances)) throw new Error('--instances takes 1 or 2');
const database = {
  host: process.env.DATABASE_HOST ?? '127.0.0.1',
  port: Number(process.env.DATABASE_PORT ?? 5432),
  user: process.env.DATABASE_USERNAME ?? 'postgres',
  password: process.env.DATABASE_PASSWORD || undefined,
  name: args.database ?? `lyceum_bench_${Date.now()}`,
};
const redisUrl = process.env.REDIS_URL ?? '';

const secret = () => crypto.randomBytes(24).toString('base64');
const serverEnv = {
  ...process.env,
  NODE_ENV: 'production',
  STRAPI_TELEMETRY_DISABLED: 'true',
  HOST: '127.0.0.1',
  PORT: String(options.port),
  APP_KEYS: [secret(), secret()].join(','),
  API_TOKEN_SALT: secret(),
  ADMIN_JWT_SECRET: secret(),
  TRANSFER_TOKEN_SALT: secret(),
  JWT_SECRET: secret(),
  ENCRYPTION_KEY: secret(),
  // The purchase scenarios pay through the sandbox, which production lacks: this bench-only switch allows it
  // (README "Commerce": never in a deployment), and the bench signs its webhooks with this key.
  PAYMENTS_SANDBOX_SECRET: secret(),
  LYCEUM_BENCH_SANDBOX_PAYMENTS: 'true',
  DATABASE_CLIENT: 'postgres',
  DATABASE_HOST: database.host,
  DATABASE_PORT: String(database.port),
  DATABASE_USERNAME: database.user,
  DATABASE_PASSWORD: database.password ?? '',
  DATABASE_NAME: database.name,
  DATABASE_SCHEMA: 'public',
  LYCEUM_DEMO_DATA: 'false',
  // The bench signs in many students from one address and hammers verification: the limits would answer 429.
  RATE_LIMIT_AUTH_PER_IP: '1000000',
  RATE_LIMIT_AUTH_PER_IDENTIFIER: '1000000',
  RATE_LIMIT_CERTIFICATE_VERIFY_PER_IP: '100000000',
  // Signs the certificates' Open Badges credentials (the seed signs every one and times it).
  CREDENTIAL_SIGNING_KEY: credentialSigningKey(),
  AUTH_ACCESS_TOKEN_LIFESPAN_SECONDS: '86400',
  LOG_LEVEL: 'warn',
};

const adminClient = async () => {
  const client = new Client({
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    database: 'postgres',
  });
  await client.connect();
  return client;
};

async function withDatabase(run) {
  const client = new Client({
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    database: database.name,
  });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const rssOf = (pid) => {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((row) => row.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) * 1024 : null;
  } catch {
    return null;
  }
};

/** The ports of the web instances the running pass started; the load is spread over them. */
let activePorts = [options.port];

async function startServer(extraEnv, port = options.port) {
  // BENCH_SERVER_NODE_ARGS: node options for the server alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to
  // profile a scenario (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, strapiBin, 'start'], {
    cwd: root,
    env: { ...serverEnv, ...extraEnv, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited while starting:\n${output.slice(-4000)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/_health`);
      if (response.status < 500) return { server, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  server.kill('SIGTERM');
  throw new Error(`server did not answer /_health within 3 minutes:\n${output.slice(-4000)}`);
}

async function stopServer(server) {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function request(method, pathname, body, token) {
  const response = await fetch(`http://127.0.0.1:${options.port}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function signIn(identifier, password) {
  const response = await request('POST', '/api/auth/local', { identifier, password });
  if (response.status !== 200)
    throw new Error(`sign-in of ${identifier} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.jwt;
}

/** The exam students, signed in once per run (their sessions outlive a server restart). */
let examTakers = null;
async function signInExamTakers(plan) {
  if (examTakers) return examTakers;
  const takers = [];
  const queue = [...plan.exam.students];
  const worker = async () => {
    for (let email = queue.shift(); email; email = queue.shift())
      takers.push({ email, token: await signIn(email, plan.password) });
  };
  log(`signing in ${queue.length} exam students…`);
  await Promise.all(Array.from({ length: 8 }, worker));
  examTakers = takers;
  return takers;
}

/** Signs in every bench student (a few at a time: bcrypt is the cost) and the gradebook course's teacher. */
async function signInAll(plan) {
  const students = [];
  const queue = [...plan.benchStudents];
  const worker = async () => {
    for (let student = queue.shift(); student; student = queue.shift())
      students.push({ ...student, token: await signIn(student.email, plan.password) });
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { students, teacher: await signIn(plan.gradebook.teacher, plan.password) };
}

/** `--connections`, or fewer where a scenario has fewer users; an open-rate scenario (the exam) sets its own. */
const connectionsOf = (scenario) =>
  scenario.connections ?? Math.max(1, Math.min(options.connections, scenario.maxConnections ?? Infinity));

/**
 * One scenario run against every active web instance at once, its connections, request count and rate split
 * between them (as a load balancer would), the answers added up.
 */
async function runAutocannon(
  scenario,
  length = scenario.amount ? { amount: scenario.amount } : { duration: options.duration }
) {
  const connections = connectionsOf(scenario);
  if (activePorts.length === 1)
    return runAutocannonOn(activePorts[0], scenario, length, connections, scenario.overallRate);
  const share = (total, index) => Math.floor(total / activePorts.length) + (index < total % activePorts.length ? 1 : 0);
  const runs = await Promise.all(
    activePorts.map((port, index) =>
      runAutocannonOn(
        port,
        scenario,
        length.amount ? { amount: share(length.amount, index) } : length,
        Math.max(1, share(connections, index)),
        scenario.overallRate ? Math.max(1, share(scenario.overallRate, index)) : undefined
      )
    )
  );
  const statuses = {};
  for (const run of runs)
    for (const [status, count] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const total = runs.reduce((sum, run) => sum + run.result.requests.total, 0);
  const seconds = Math.max(...runs.map((run) => run.seconds));
  const sum = (pick) => runs.reduce((added, run) => added + pick(run.result), 0);
  return {
    result: {
      requests: {
        total,
        // Fixed counts: all answers over the longest run's time; fixed durations: the rates add up.
        average: length.amount ? total / seconds : sum((result) => result.requests.average),
      },
      non2xx: sum((result) => result.non2xx),
      errors: sum((result) => result.errors),
      timeouts: sum((result) => result.timeouts),
    },
    statuses,
    latencies: runs.flatMap((run) => run.latencies),
    seconds,
  };
}

function runAutocannonOn(port, scenario, length, connections, overallRate) {
  return new Promise((resolve, reject) => {
    const statuses = {};
    const latencies = [];
    // autocannon ends a fixed-count run on its next one-second tick and averages whole-second samples, so
    // for those runs the rate is taken from the clock: first request sent to last answer received.
    const startedAt = performance.now();
    let lastAnswerAt = startedAt;
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        ...length,
        ...(overallRate ? { overallRate } : {}),
        requests: scenario.requests,
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (lastAnswerAt - startedAt) / 1000;
        if (length.amount && seconds > 0) result.requests.average = result.requests.total / seconds;
        resolve({ result, statuses, latencies, seconds });
      }
    );
    instance.on('response', (client, statusCode, bytes, responseTime) => {
      lastAnswerAt = performance.now();
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      latencies.push(responseTime);
    });
  });
}

/**
 * Public reads rotate over many paths (500 courses' reviews, 1,000 certificate codes): each is requested
 * once before the measurement, so a cached pass measures answers served from the cache rather than the
 * first computation of each entry (and the uncached pass starts from the same warm database).
 */
async function warmUp(paths) {
  const queue = [...paths];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift())
      for (const port of activePorts) await (await fetch(`http://127.0.0.1:${port}${next}`)).arrayBuffer();
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/**
 * A scenario whose requests need data made just before (quiz submits need started attempts): each round
 * prepares unmeasured, then sends exactly that many requests; the rounds' counts and times add up.
 */
async function measureRounds(scenario) {
  if (options.warmUpSeconds > 0) await runAutocannon(scenario, { amount: await scenario.prepare(request) });
  const statuses = {};
  const latencies = [];
  let requests = 0;
  let seconds = 0;
  let non2xx = 0;
  let errors = 0;
  for (let round = 0; round < scenario.rounds; round++) {
    const amount = await scenario.prepare(request);
    const run = await runAutocannon(scenario, { amount });
    for (const [status, count] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
    latencies.push(...run.latencies);
    requests += run.result.requests.total;
    seconds += run.seconds;
    non2xx += run.result.non2xx;
    errors += run.result.errors + run.result.timeouts;
  }
  return {
    result: { requests: { average: requests / seconds, total: requests }, non2xx, errors, timeouts: 0 },
    statuses,
    latencies,
  };
}

async function measure(scenario, serverPid) {
  if (scenario.rounds) return summarize(scenario, await measureRounds(scenario), serverPid);
  if (scenario.warmUp) await warmUp(scenario.warmUp);
  // Steady state, not the first seconds after a start: the same rotation runs unmeasured first (fixed-count
  // writes excepted: their requests are the data), so per-course and per-quiz structure is read as it is in
  // a server that has been up for a while.
  if (!scenario.amount && options.warmUpSeconds > 0) await runAutocannon(scenario, { duration: options.warmUpSeconds });
  const busyBefore = machineBusyMs();
  const run = await runAutocannon(scenario);
  const busyAfter = machineBusyMs();
  return summarize(scenario, run, serverPid, busyBefore === null || busyAfter === null ? null : busyAfter - busyBefore);
}

/**
 * CPU time the whole machine has spent (ms), from /proc/stat: user, nice, system, irq and softirq, not idle, I/O wait
 * or time the hypervisor took (steal). Around a measured run it is the server's, PostgreSQL's and this load
 * generator's work together: on two shared cores that is what bounds the throughput, and it varies far less from run
 * to run than the latencies do. Null where /proc/stat is missing (not Linux).
 */
function machineBusyMs() {
  try {
    const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // USER_HZ is 100 on Linux: a tick is 10 ms.
    return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) * 10;
  } catch {
    return null;
  }
}

function summarize(scenario, { result, statuses, latencies }, serverPid, busyMs = null) {
  const unexpected = Object.entries(statuses)
    .filter(([status]) => !scenario.expect.includes(Number(status)))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    name: scenario.name,
    title: scenario.title,
    connections: connectionsOf(scenario),
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
    unexpected,
    rss: rssOf(serverPid),
    // The machine's CPU per answered request (see machineBusyMs); null for rows measured in rounds.
    cpuMsPerRequest:
      busyMs === null || result.requests.total === 0 ? null : Math.round((busyMs / result.requests.total) * 100) / 100,
  };
}

async function countEnrollments() {
  return withDatabase(async (client) => (await client.query('SELECT count(*)::int AS n FROM enrollments')).rows[0].n);
}

async function countDuplicateEnrollments() {
  return withDatabase(async (client) => {
    const { rows } = await client.query(
      `SELECT count(*)::int AS duplicates FROM (
         SELECT u.user_id, c.course_id FROM enrollments e
         JOIN enrollments_user_lnk u ON u.enrollment_id = e.id
         JOIN enrollments_course_lnk c ON c.enrollment_id = e.id
         GROUP BY u.user_id, c.course_id HAVING count(*) > 1) AS doubled`
    );
    return rows[0].duplicates;
  });
}

/**
 * Writes out what earlier work left in PostgreSQL's buffers (the seed's bulk load, the previous pass) before a
 * pass, so no pass is measured while a checkpoint triggered by someone else's writes runs beside it. Needs a
 * superuser or pg_checkpoint; without it the pass runs as it is.
 */
async function checkpoint() {
  try {
    await withDatabase((client) => client.query('CHECKPOINT'));
  } catch (error) {
    log(`no CHECKPOINT before the pass (${error.message})`);
  }
}

/**
 * Waits until the outbox holds no due job (the confirmation mails an enroll run recorded, say), so the next
 * scenario is not measured beside the job runner working off the previous one's side effects. Answers how long
 * that took after the scenario's last answer, the time its side effects trailed it.
 */
async function waitForJobs(limitMs = 300_000) {
  const started = Date.now();
  return withDatabase(async (client) => {
    for (;;) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS due FROM lyceum_jobs WHERE status IN ('pending', 'running') AND run_at <= $1`,
        [Date.now()]
      );
      if (rows[0].due === 0) return Date.now() - started;
      if (Date.now() - started > limitMs) throw new Error(`${rows[0].due} jobs still due after ${limitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
}

/** A scenario measured, then the jobs it recorded done (`jobsTrailMs`: how long after its last answer). */
async function measureSettled(scenario, serverPid) {
  const measured = await measure(scenario, serverPid);
  measured.jobsTrailMs = await waitForJobs();
  return measured;
}

const wants = (name) => !options.only || options.only.includes(name);

async function runPass(label, extraEnv, plan, list, instances = 1) {
  await checkpoint();
  log(`pass "${label}": starting the production build${instances > 1 ? ` (${instances} instances)` : ''}…`);
  const ports = Array.from({ length: instances }, (_, index) => options.port + index);
  const started = [];
  for (const port of ports) started.push(await startServer(extraEnv, port));
  activePorts = ports;
  const { server } = started[0];
  const rssBefore = rssOf(server.pid);
  const results = [];
  const record = (measured) => {
    results.push(measured);
    log(
      `  ${measured.name}: ${measured.requestsPerSecond} req/s, p50 ${measured.latency.p50} ms, p95 ${measured.latency.p95} ms, p99 ${measured.latency.p99} ms${measured.cpuMsPerRequest ? `, CPU ${measured.cpuMsPerRequest} ms/req` : ''}, unexpected ${measured.unexpected}`
    );
  };
  try {
    const sessions = await signInAll(plan);
    for (const scenario of list(sessions)) {
      if (!wants(scenario.name)) continue;
      const enrollmentsBefore = await countEnrollments();
      const measured = await measureSettled(scenario, server.pid);
      if (scenario.name === 'enroll' || scenario.name === 'purchase')
        measured.duplicateEnrollments = await countDuplicateEnrollments();
      if (scenario.requestsPerUnit) {
        measured.unitsPerSecond = Math.round(measured.requestsPerSecond / scenario.requestsPerUnit);
        measured.completed = (await countEnrollments()) - enrollmentsBefore;
      }
      // A replayed event must enroll nobody.
      if (scenario.name === 'webhook-replay')
        measured.extraEnrollments = (await countEnrollments()) - enrollmentsBefore;
      record(measured);
    }
    if (wants('waitlist-promotion') && !options.compare) {
      const measured = await measureWaitlistPromotion({
        request,
        withDatabase,
        students: sessions.students,
        teacher: sessions.teacher,
        rounds: 20,
        log,
      });
      measured.jobsTrailMs = await waitForJobs();
      record(measured);
    }
    if (wants('data-export') && !options.compare) {
      const measured = await measureDataExport({
        request,
        withDatabase,
        students: sessions.students,
        rounds: 5,
        baseUrl: `http://127.0.0.1:${options.port}`,
        log,
      });
      measured.jobsTrailMs = await waitForJobs();
      record(measured);
    }
    const videoRows = ['video-conversion', 'video-playback-url', 'video-segment-signed', 'video-segment-static'];
    if (videoRows.some(wants) && !options.compare) {
      const video = await prepareVideoRows({
        request,
        teacher: sessions.teacher,
        students: sessions.students,
        baseUrl: `http://127.0.0.1:${options.port}`,
        publicDir: path.join(root, 'public'),
        log,
      });
      if (video) {
        video.conversion.jobsTrailMs = await waitForJobs();
        if (wants('video-conversion')) record(video.conversion);
        try {
          for (const scenario of video.scenarios) {
            if (!wants(scenario.name)) continue;
            const measured = await measureSettled(scenario, server.pid);
            if (scenario.bytesPerRequest)
              measured.megabytesPerSecond =
                Math.round(((measured.requestsPerSecond * scenario.bytesPerRequest) / 1048576) * 10) / 10;
            record(measured);
          }
        } finally {
          video.cleanUp?.();
        }
      }
    }
    if (plan.exam && wants('exam-start')) {
      const [start, submit] = examScenarios(plan, await signInExamTakers(plan));
      record(await measureSettled(start, server.pid));
      if (submit.amount > 0) record(await measureSettled(submit, server.pid));
    }
  } catch (error) {
    error.message += `\n--- server output ---\n${started.map((one) => one.output().slice(-3000)).join('\n---\n')}`;
    throw error;
  } finally {
    const rssAfter = rssOf(server.pid);
    for (const one of started) await stopServer(one.server);
    activePorts = [options.port];
    results.rss = { before: rssBefore, after: rssAfter };
  }
  const health = results.find((row) => row.name === 'health');
  for (const row of results)
    if (health && row.requestsPerSecond !== undefined)
      row.ratioToHealth = Math.round((row.requestsPerSecond / health.requestsPerSecond) * 100) / 100;
  return { label, instances, env: extraEnv, rss: results.rss, scenarios: [...results] };
}

const mb = (bytes) => (bytes === null || bytes === undefined ? '–' : `${Math.round(bytes / 1048576)} MB`);

function markdown(report) {
  const lines = [
    '# Lyceum bench results',
    '',
    `Run ${report.date} on ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}, PostgreSQL, scale \`${report.scale}\`` +
      ` (${Object.entries(report.counts)
        .map(([name, count]) => `${count.toLocaleString('en')} ${name}`)
        .join(', ')}); seeded in ${report.seedSeconds.toFixed(1)} s.` +
      (report.credentialSigning
        ? ` Credential issue (signing an Open Badges credential, eddsa-rdfc-2022, one at a time): ${report.credentialSigning.msPerCertificate.toFixed(1)} ms per certificate over ${report.credentialSigning.certificates.toLocaleString('en')}.`
        : ''),
    `Each scenario: ${report.options.duration} s (writes with a fixed request count, timed from the first request to the last answer), ${report.options.connections} connections (fewer where the row says: one student per connection for quizzes and hand-ins, one for the latency targets), loopback. Rotating public reads (course by slug, reviews, verification) request each of their paths once first; every timed scenario first runs ${report.options.warmUpSeconds} s unmeasured on the same rotation. Quiz submits run in rounds: each round starts one attempt per quiz taker unmeasured, then measures their submits (one round is unmeasured warm-up). After each row the bench waits until the job runner has done every job the row recorded (mails, certificates), so no row is measured beside the previous one's side effects; a row whose jobs trailed it by a second or more says by how long. Exam rows send their requests at an even rate (all the exam's students within 10 s), each from another student, with no warm-up; the submit row submits the attempts the start row opened.`,
    '',
  ];
  for (const pass of report.passes) {
    lines.push(`## ${pass.label}`, '', `Server RSS before ${mb(pass.rss.before)}, after ${mb(pass.rss.after)}.`, '');
    lines.push(
      '| scenario | connections | req/s | × /_health | p50 ms | p95 ms | p99 ms | CPU ms/req | non-2xx | unexpected |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
    );
    for (const row of pass.scenarios) {
      const notes = [
        row.duplicateEnrollments !== undefined ? `duplicates: ${row.duplicateEnrollments}` : '',
        row.unitsPerSecond !== undefined ? `${row.unitsPerSecond} completed/s, ${row.completed} enrolled` : '',
        row.extraEnrollments !== undefined ? `extra enrollments: ${row.extraEnrollments}` : '',
        row.jobsTrailMs >= 1000 ? `jobs done ${(row.jobsTrailMs / 1000).toFixed(1)} s after` : '',
        row.megabytesPerSecond !== undefined ? `${row.megabytesPerSecond} MB/s` : '',
        row.conversionSeconds !== undefined
          ? `${row.conversionSeconds} s for 60 s of video: ${row.realTimeRatio} × real time`
          : '',
      ].filter(Boolean);
      const extra = notes.length ? ` (${notes.join('; ')})` : '';
      lines.push(
        `| ${row.title}${extra} | ${row.connections} | ${row.requestsPerSecond ?? '–'} | ${row.ratioToHealth ?? ''} | ${row.latency.p50} | ${row.latency.p95} | ${row.latency.p99} | ${row.cpuMsPerRequest ?? '–'} | ${row.non2xx} | ${row.unexpected} |`
      );
    }
    lines.push('');
  }
  const [one, two] = report.passes;
  if (report.passes.length === 2 && one.instances === 1 && two.instances === 2) {
    lines.push(
      '## One and two web instances',
      '',
      'Requests per second with two web instances over one, scenario by scenario (both on this machine: they share its cores).',
      '',
      '| scenario | 1 instance req/s | 2 instances req/s | ratio | p95 ms (1 → 2) |',
      '|---|---:|---:|---:|---:|'
    );
    for (const row of one.scenarios) {
      const other = two.scenarios.find((candidate) => candidate.name === row.name);
      if (!other) continue;
      const ratio = row.requestsPerSecond
        ? Math.round((other.requestsPerSecond / row.requestsPerSecond) * 100) / 100
        : '';
      lines.push(
        `| ${row.title} | ${row.requestsPerSecond} | ${other.requestsPerSecond} | ${ratio} | ${row.latency.p95} → ${other.latency.p95} |`
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main() {
  const isRerun = Boolean(args.database);
  // A rerun of the same build (one patch after another, say) need not build again.
  if (!(isRerun && args['skip-build'] === 'true')) {
    buildPlugins();
    buildApp({ ...process.env, NODE_ENV: 'production' });
  }

  const planFile = path.join(root, '.tmp', `${database.name}-plan.json`);
  if (isRerun && !fs.existsSync(planFile))
    throw new Error(`no plan for ${database.name}: only a database kept with --keep can be reused`);
  let failed = false;
  try {
    if (!isRerun) {
      const admin = await adminClient();
      await admin.query(`CREATE DATABASE "${database.name}"`);
      await admin.end();
      log(`seeding ${database.name} at scale ${options.scale}…`);
      fs.mkdirSync(path.dirname(planFile), { recursive: true });
      // The large scale's rows are built in memory before they are inserted: more heap than Node's default.
      const seed = spawnSync(process.execPath, ['--max-old-space-size=12288', path.join(__dirname, 'seed.js')], {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...serverEnv,
          BENCH_SCALE: options.scale,
          BENCH_SCALE_OVERRIDES: JSON.stringify(options.scaleOverrides),
          BENCH_PLAN_FILE: planFile,
        },
      });
      if (seed.status !== 0) throw new Error('seeding failed');
    }
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
    plan.sandboxSecret = serverEnv.PAYMENTS_SANDBOX_SECRET;

    const passes = [];
    if (options.compare) {
      passes.push(
        await runPass(
          'compare: Lyceum controller vs stock core controller (cache off)',
          { REST_CACHE_ENABLED: 'false', LYCEUM_BENCH_STOCK_CATALOG: 'true' },
          plan,
          () => [scenarios(plan, { students: [], teacher: null }, 0)[0], ...compareScenarios()]
        )
      );
    } else if (options.instances === 2) {
      if (!redisUrl) throw new Error('--instances=2 needs REDIS_URL: two instances share their caches through Redis');
      // The same scenarios on the same data, each pass on its own half of the write data (as the cached and the
      // uncached passes do).
      const cached = { REST_CACHE_ENABLED: 'true', REDIS_URL: redisUrl };
      passes.push(
        await runPass(
          'REST cache on (Redis), 1 web instance',
          cached,
          plan,
          (sessions) => scenarios(plan, sessions, 0),
          1
        )
      );
      passes.push(
        await runPass(
          'REST cache on (Redis), 2 web instances',
          cached,
          plan,
          (sessions) => scenarios(plan, sessions, 1),
          2
        )
      );
    } else {
      const cached = { REST_CACHE_ENABLED: 'true', ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
      if (options.pass !== 'uncached')
        passes.push(
          await runPass(`REST cache on${redisUrl ? ' (Redis)' : ' (memory)'}`, cached, plan, (sessions) =>
            scenarios(plan, sessions, 0)
          )
        );
      if (options.pass !== 'cached')
        passes.push(
          await runPass('REST cache off', { REST_CACHE_ENABLED: 'false' }, plan, (sessions) =>
            scenarios(plan, sessions, 1)
          )
        );
    }

    const report = {
      date: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        node: process.version,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
      },
      scale: plan.scale,
      counts: plan.counts,
      seedSeconds: plan.seedSeconds,
      credentialSigning: plan.credentialSigning ?? null,
      options: { duration: options.duration, warmUpSeconds: options.warmUpSeconds, connections: options.connections },
      passes,
    };
    const unexpected = passes
      .flatMap((pass) => pass.scenarios)
      .filter((row) => row.unexpected || row.errors || row.duplicateEnrollments || row.extraEnrollments);
    failed = unexpected.length > 0;
    const suffix = options.compare
      ? '-compare'
      : options.instances === 2
        ? '-instances'
        : options.only
          ? '-partial'
          : '';
    fs.writeFileSync(path.join(__dirname, `results${suffix}.json`), JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(path.join(__dirname, `RESULTS${suffix}.md`), markdown(report) + '\n');
    log(`wrote bench/results${suffix}.json and bench/RESULTS${suffix}.md`);
    if (failed)
      log(
        `unexpected statuses or errors in: ${unexpected.map((row) => `${row.name} ${JSON.stringify(row.statuses)}`).join('; ')}`
      );
  } finally {
    // A rerun leaves the database it was given: it was kept to be measured again.
    if (!options.keep && !isRerun) {
      fs.rmSync(planFile, { force: true });
      const dropper = await adminClient();
      await dropper.query(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`);
      await dropper.end();
    } else {
      log(`kept database ${database.name}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
