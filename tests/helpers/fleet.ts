import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import http from 'http';
import net from 'net';
import path from 'path';

/**
 * Several Lyceum processes on one database, for the fleet and fault tests (tests/integration/fleet.test.ts,
 * faults.test.ts). The test's own Strapi (startLyceum) makes the database from the run's template and sets the
 * DATABASE_* variables; every instance started here inherits them (and REDIS_URL, REST_CACHE_KEYS_PREFIX) unless
 * `env` says otherwise, so all of them share one PostgreSQL database and one Redis prefix. Each instance is
 * tests/helpers/job-instance.js: compiled Strapi from dist/, listening on a free port of 127.0.0.1 (a web
 * instance) or not listening at all (a worker).
 *
 * Also here: a round-robin HTTP reverse proxy in front of web instances (the load balancer), a TCP proxy between an
 * instance and PostgreSQL that the test can cut (a database restart), and a throwaway redis-server.
 */
export interface LyceumProcess {
  name: string;
  child: ChildProcess;
  /** The web instance's port; undefined for a worker. */
  port: number | undefined;
  /** http://127.0.0.1:<port> of a web instance. */
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Waits until its output matches; fails at once when it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The signal (or exit code) it ended with. */
  exited: Promise<NodeJS.Signals | number | null>;
}

const processes = new Set<ChildProcess>();
const outputs = new Map<string, () => string>();
const closers = new Set<() => Promise<void>>();

/** The fleet needs PostgreSQL and Redis: SQLite is one instance by design, and coherence needs Redis. */
export const runsAsFleet = () => process.env.DATABASE_CLIENT === 'postgres' && Boolean(process.env.REDIS_URL);

/**
 * Stands for another instance taking a job over: a job runner in this test's own process (the app's modules, from
 * dist/, as Strapi runs them) polls until `isDone`, then stops.
 */
export async function runJobsHereUntil(
  strapi: import('@strapi/strapi').Core.Strapi,
  isDone: () => Promise<boolean>,
  what: string
): Promise<void> {
  const fromDist = <Module>(file: string): Module => require(path.join(process.cwd(), 'dist', 'src', 'jobs', file));
  const jobs = fromDist<typeof import('../../src/jobs')>('index.js');
  const { JobRunner } = fromDist<typeof import('../../src/jobs/runner')>('runner.js');
  const { jobSettings } = fromDist<typeof import('../../src/jobs/settings')>('settings.js');
  const runner = new JobRunner(strapi, jobSettings(process.env), jobs.jobHandler);
  try {
    await until(async () => {
      await runner.poll();
      return isDone();
    }, what);
  } finally {
    await runner.stop();
  }
}

export async function until(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 60_000,
  intervalMs = 50
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A port nothing listens on right now: bound, read, released. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Boots one more Lyceum process on the test's database. `listen: false` makes a worker (no HTTP); the environment
 * is the test process's plus `env` (JOBS_WORKER, JOBS_LEASE_MS, TEST_HANG_CERTIFICATE… see job-instance.js).
 */
export async function startInstance(
  name: string,
  env: Record<string, string> = {},
  options: { listen?: boolean } = {}
): Promise<LyceumProcess> {
  const listen = options.listen ?? true;
  const child = spawn(process.execPath, [path.join(__dirname, 'job-instance.js')], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, TEST_INSTANCE_LISTEN: String(listen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  processes.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  outputs.set(name, () => output);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      processes.delete(child);
      resolve(signal ?? code);
    })
  );
  const waitFor = (pattern: RegExp, timeoutMs = 90_000) =>
    until(
      () => {
        if (pattern.test(output)) return true;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${name} ended before printing ${pattern}:\n${output}`);
        return false;
      },
      `${pattern} from ${name}`,
      timeoutMs
    );
  await waitFor(listen ? /listening \d+/ : /^ready$/m);
  const port = listen ? Number(/listening (\d+)/.exec(output)![1]) : undefined;
  return { name, child, port, url: `http://127.0.0.1:${port}`, output: () => output, waitFor, exited };
}

/** SIGTERM (a clean stop), or SIGKILL after `graceMs`. */
export async function stopInstance(instance: LyceumProcess, graceMs = 15_000): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), graceMs);
  await instance.exited;
  clearTimeout(timer);
}

/** Kills what this file started: instances (SIGKILL, no clean-up needed: the database is dropped), proxies, Redis. */
export async function stopFleet(): Promise<void> {
  const ending = [...processes].map(
    (child) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGKILL'))
      )
  );
  await Promise.all(ending);
  // What each instance printed, for a failed run: .tmp/fleet-logs/<test file's pid>-<name>.log (git-ignored).
  const logs = path.resolve('.tmp', 'fleet-logs');
  fs.mkdirSync(logs, { recursive: true });
  for (const [name, output] of outputs)
    fs.writeFileSync(path.join(logs, `${process.pid}-${name.replace(/\W+/g, '-')}.log`), output());
  outputs.clear();
  for (const close of [...closers]) await close();
  closers.clear();
}

export interface RoundRobinProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * The load balancer: each request goes to the next target in turn. Answers carry `X-Fleet-Target` (the index of
 * the target that served them) so a test can see the spread. A target that cannot be reached gives 502.
 */
export async function startRoundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((request, response) => {
    const index = next++ % targets.length;
    const target = new URL(targets[index]);
    const upstream = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-fleet-target': String(index) });
        answer.pipe(response);
      }
    );
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'x-fleet-target': String(index) });
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const close = async () => {
    closers.delete(close);
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  closers.add(close);
  return { url: `http://127.0.0.1:${port}`, close };
}

export interface TcpProxy {
  port: number;
  /** Like a database restart: every open connection is cut, and new ones are cut at once, until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy to 127.0.0.1:`targetPort` (PostgreSQL) that the test can cut. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let isCut = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const cut = () => {
    isCut = true;
    for (const socket of open) socket.destroy();
    open.clear();
  };
  const close = async () => {
    closers.delete(close);
    cut();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  closers.add(close);
  return { port, cut, restore: () => (isCut = false), close };
}

export interface RedisServer {
  url: string;
  /** Kills it (SIGKILL: like a crash; it keeps no data). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/** A redis-server of the test's own on a free port, without persistence: the shared one is never stopped. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    child = started;
    processes.add(started);
    started.once('exit', () => processes.delete(started));
    let output = '';
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(
      () => {
        if (started.exitCode !== null) throw new Error(`redis-server did not start:\n${output}`);
        return /Ready to accept connections/i.test(output);
      },
      'redis-server to start',
      15_000
    );
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const ended = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await ended;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}
