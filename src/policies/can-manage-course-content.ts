import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import {
  assertCanManageCourse,
  findCourseOfContent,
  findCourseOfLesson,
  type CourseContentUid,
} from '../access/ownership';
import { relationDocumentIds } from '../access/relation-input';
import { invalidField, Refusal } from '../errors/refusal';
import { callerFrom } from '../access/roles';

interface Config {
  uid: CourseContentUid;
}

/**
 * The courses a write body points the entry at: its `course`, or for a quiz, the course of its `lesson`.
 * undefined when the body does not touch the relation.
 */
async function coursesNamedByBody(strapi: Core.Strapi, uid: CourseContentUid, data: Record<string, unknown>) {
  const named = new Set<string>();
  let touched = false;
  const courseIds = relationDocumentIds(data.course, 'course');
  if (courseIds) {
    touched = true;
    if (courseIds.length > 1) throw invalidField('course', 'An entry belongs to one course');
    courseIds.forEach((id) => named.add(id));
  }
  if (uid === 'api::quiz.quiz') {
    const lessonIds = relationDocumentIds(data.lesson, 'lesson');
    if (lessonIds) {
      touched = true;
      if (lessonIds.length > 1) throw invalidField('lesson', 'A quiz belongs to one lesson');
      for (const lessonId of lessonIds) {
        const lessonCourse = await findCourseOfLesson(strapi, lessonId);
        if (lessonCourse === undefined) throw invalidField('lesson', 'No lesson has this documentId');
        if (lessonCourse === null) throw invalidField('lesson', 'This lesson belongs to no course');
        named.add(lessonCourse);
      }
    }
  }
  if (!touched) return undefined;
  if (named.size > 1) throw invalidField('lesson', 'The lesson belongs to another course than the one named');
  return [...named];
}

/**
 * Writes to lessons, quizzes, assignments and announcements: the caller must manage the entry's course,
 * and, when the write moves the entry, the course it moves to.
 */
export default async (policyContext: any, config: Config, { strapi }: { strapi: Core.Strapi }) => {
  const caller = callerFrom(policyContext.state);
  const data = policyContext.request?.body?.data;
  const { id } = policyContext.params ?? {};

  if (id !== undefined) {
    const currentCourse = await findCourseOfContent(strapi, config.uid, id);
    if (currentCourse === undefined) throw new errors.NotFoundError('Not found');
    if (currentCourse === null) {
      if (caller.role !== 'admin') throw new Refusal('Only admins may change entries of no course', 'not_course_owner');
    } else {
      await assertCanManageCourse(strapi, caller, currentCourse);
    }
  }

  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const targets = await coursesNamedByBody(strapi, config.uid, data);
    if (targets === undefined && id === undefined) {
      throw invalidField(
        config.uid === 'api::quiz.quiz' ? 'lesson' : 'course',
        'Name the course (or, for a quiz, the lesson) by documentId'
      );
    }
    for (const courseDocumentId of targets ?? []) {
      try {
        await assertCanManageCourse(strapi, caller, courseDocumentId);
      } catch (error) {
        if (error instanceof errors.NotFoundError) throw invalidField('course', 'No course has this documentId');
        throw error;
      }
    }
  }
  return true;
};
