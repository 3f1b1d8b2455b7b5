import type { Core } from '@strapi/strapi';
import { cachesAreCoherent, sharedCache } from '../cache/bus';
import { RememberedLoads } from '../cache/remembered-loads';
import { forgetOnWrites } from './forget-on-writes';

/**
 * Which lessons a course has, in what order, which quizzes are required: read by every completion, lesson
 * read and quiz start, changed only when staff edit or publish content. Kept per key for a few seconds,
 * and all dropped at once on any write to courses, lessons, quizzes or question banks (publishing is a write), in this instance and,
 * through the cache bus (src/cache/bus.ts), on every other one.
 */
const COURSE_STRUCTURE_TTL_MS = 30_000;
const MAX_ENTRIES = 20_000;
const STRUCTURE_TYPES = [
  'api::course.course',
  'api::lesson.lesson',
  'api::quiz.quiz',
  'api::question-bank.question-bank',
];

const entries = new RememberedLoads<unknown>({ max: MAX_ENTRIES, ttl: COURSE_STRUCTURE_TTL_MS });
let watching = false;

/** What is remembered now, by key: diagnostics and the one-core test. */
export const rememberedCourseStructureKeys = (): string[] => entries.keys();

const courseStructure = sharedCache('course-structure', {
  forget: (key) => entries.forget(key),
  forgetAll: () => entries.forgetAll(),
});

/** Drops every remembered course structure here and on every other instance. */
export function forgetCourseStructure() {
  courseStructure.forgetAll();
}

/**
 * Subscribes this instance's writes to the drop, at start-up: an instance that never remembered a structure itself
 * must still tell the others when it changes one (a subscription made at the first remembered read would miss them).
 */
export function watchStructureWrites(strapi: Core.Strapi) {
  if (watching) return;
  watching = true;
  forgetOnWrites(strapi, STRUCTURE_TYPES, forgetCourseStructure);
}

/** `load()`'s answer for `key`, shared until course content changes; callers must not mutate it. */
export function rememberCourseStructure<T>(strapi: Core.Strapi, key: string, load: () => Promise<T>): Promise<T> {
  watchStructureWrites(strapi);
  // Not listening to the other instances (Redis away): their edits could not reach this cache.
  if (!cachesAreCoherent()) return load();
  return entries.get(key, load) as Promise<T>;
}
