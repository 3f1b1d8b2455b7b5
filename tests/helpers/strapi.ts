import type { AddressInfo } from 'net';
import path from 'path';
import { createStrapi, type Core } from '@strapi/strapi';
import supertest from 'supertest';
import { createThrowawayDatabase, type ThrowawayDatabase } from './database';
import { flushRestCachePrefix } from './rest-cache';

export interface TestApp {
  strapi: Core.Strapi;
  request: ReturnType<typeof supertest>;
  /** Where the server listens (http://127.0.0.1:<port>), for a browser. */
  baseUrl: string;
}

let database: ThrowawayDatabase | undefined;
let instance: Core.Strapi | undefined;
let replacedEnv: Record<string, string | undefined> = {};

/** Boots one real Strapi (compiled once by the global setup) on a throwaway database. */
export async function startLyceum(env: Record<string, string> = {}): Promise<TestApp> {
  // Jest reuses a worker for several files: what this file sets is put back in stopLyceum.
  replacedEnv = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  database = await createThrowawayDatabase();
  const appDir = process.cwd();
  const created = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  // Request and migration logs drown test output; LOG_LEVEL=http brings them back.
  created.log.level = process.env.LOG_LEVEL ?? 'warn';
  instance = await created.load();
  instance.server.mount();
  // One listening port for the whole file: supertest would otherwise re-listen the same server per request,
  // which breaks requests sent concurrently (the race tests).
  const httpServer = instance.server.httpServer;
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { strapi: instance, request: supertest(baseUrl), baseUrl };
}

export async function stopLyceum(): Promise<void> {
  if (instance) await instance.destroy();
  instance = undefined;
  if (database) await database.drop();
  database = undefined;
  await flushRestCachePrefix(process.env.REST_CACHE_KEYS_PREFIX ?? '');
  for (const [name, value] of Object.entries(replacedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  replacedEnv = {};
}
