import type { Core } from '@strapi/strapi';
import { forgetOnWrites } from './forget-on-writes';

/**
 * Which lessons a course has, in what order, which quizzes are required: read by every completion, lesson
 * read and quiz start, changed only when staff edit or publish content. Kept per key for a few seconds,
 * and all dropped at once on any write to courses, lessons or quizzes in this instance (publishing is a
 * write), so an edit through another instance shows after COURSE_STRUCTURE_TTL_MS at the latest.
 */
const COURSE_STRUCTURE_TTL_MS = 30_000;
const MAX_ENTRIES = 20_000;
const STRUCTURE_TYPES = ['api::course.course', 'api::lesson.lesson', 'api::quiz.quiz'];

const entries = new Map<string, { value: Promise<unknown>; expiresAt: number }>();
let watching = false;

/** What is remembered now, by key: diagnostics and the one-core test. */
export const rememberedCourseStructureKeys = (): string[] => [...entries.keys()];

export function forgetCourseStructure() {
  entries.clear();
}

function watchStructureWrites(strapi: Core.Strapi) {
  if (watching) return;
  watching = true;
  forgetOnWrites(strapi, STRUCTURE_TYPES, forgetCourseStructure);
}

/** `load()`'s answer for `key`, shared until course content changes; callers must not mutate it. */
export function rememberCourseStructure<T>(strapi: Core.Strapi, key: string, load: () => Promise<T>): Promise<T> {
  watchStructureWrites(strapi);
  const now = Date.now();
  const cached = entries.get(key);
  if (cached && cached.expiresAt > now) return cached.value as Promise<T>;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  const value = load();
  entries.set(key, { value, expiresAt: now + COURSE_STRUCTURE_TTL_MS });
  value.catch(() => entries.delete(key));
  return value;
}
