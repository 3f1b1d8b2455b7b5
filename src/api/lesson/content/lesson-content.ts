import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { canManageCourse, findCourseOfContent } from '../../../access/ownership';
import type { Caller } from '../../../access/roles';
import { lessonProgress, lessonRefusal } from '../../../plugins/progress/server/src/facade';
import { publishedEntryWithFiles } from '../../../database/linked-reads';
import { fromColumn, rowShapeOf, shapeRow, type RowShape } from '../../../database/row-shapes';
import { columnOf, mediaLinkOf, tableOf, type MediaLinkTable } from '../../../database/tables';

const LESSON = 'api::lesson.lesson';
const FILE = 'plugin::upload.file';

/** Whether the caller manages the lesson's course (owners and admins read everything in it); 404 for no lesson. */
export async function managesLessonCourse(
  strapi: Core.Strapi,
  caller: Caller,
  lessonDocumentId: string
): Promise<boolean> {
  const courseDocumentId = await findCourseOfContent(strapi, LESSON, lessonDocumentId);
  if (courseDocumentId === undefined) throw new errors.NotFoundError('Lesson not found');
  return (
    caller.role === 'admin' ||
    (caller.role === 'teacher' &&
      courseDocumentId !== null &&
      (await canManageCourse(strapi, caller, courseDocumentId)))
  );
}

/** A learner reads a published lesson only as the progress rules allow: enrolled, released, unlocked, not expired. */
export async function assertLessonOpen(strapi: Core.Strapi, caller: Caller, lessonDocumentId: string): Promise<void> {
  const { decision } = await lessonProgress(strapi).checkLessonAccess(caller, lessonDocumentId, new Date());
  if (!decision.allowed) throw lessonRefusal(decision.reason, 'read');
}

/** The private part of a lesson (text, video, files), read only after the checks above. */
export async function lessonContent(
  strapi: Core.Strapi,
  lessonDocumentId: string,
  locale: string | undefined,
  status: 'draft' | 'published'
) {
  const content = await strapi.documents(LESSON).findOne({
    documentId: lessonDocumentId,
    locale,
    status,
    fields: ['content', 'videoUrl'],
    populate: { video: true, materials: true },
  });
  return {
    content: content?.content ?? null,
    videoUrl: content?.videoUrl ?? null,
    video: content?.video ?? null,
    materials: content?.materials ?? [],
  };
}

interface LearnerRead {
  lesson: RowShape;
  file: RowShape;
  lessons: string;
  files: string;
  media: MediaLinkTable;
  contentColumn: string;
  videoUrlColumn: string;
}

let prepared: { strapi: Core.Strapi; read: LearnerRead | null } | undefined;

/** Shapes and table names, worked out once per Strapi instance (the schema does not change while it runs). */
function learnerReadFor(strapi: Core.Strapi): LearnerRead | null {
  if (prepared?.strapi === strapi) return prepared.read;
  const lesson = rowShapeOf(strapi, LESSON);
  // Files as the query engine populates them (no sanitiser ran on them in the stock read either).
  const file = rowShapeOf(strapi, FILE, { withPrivate: true });
  const read =
    lesson && file
      ? {
          lesson,
          file,
          lessons: tableOf(strapi, LESSON),
          files: tableOf(strapi, FILE),
          media: mediaLinkOf(strapi),
          contentColumn: columnOf(strapi, LESSON, 'content'),
          videoUrlColumn: columnOf(strapi, LESSON, 'videoUrl'),
        }
      : null;
  prepared = { strapi, read };
  return read;
}

/** Whether the fixed read below can answer for this Strapi (its lesson and file schemas have only types it converts). */
export const canReadLessonForLearner = (strapi: Core.Strapi): boolean => learnerReadFor(strapi) !== null;

/**
 * A published lesson as `GET /lessons/:documentId` answers it (its public fields, then the content, video and files),
 * or null when it has no published version in this locale: the read for callers who do not manage the lesson's
 * course. One fixed statement (the row with its video and files) instead of two document service reads and the
 * output sanitiser, or the query engine's three statements and its per-row work: the response is the same, proven
 * by tests/integration/lesson-reads.test.ts against the stock controller.
 */
export async function publishedLessonForLearner(
  strapi: Core.Strapi,
  lessonDocumentId: string,
  locale: string
): Promise<Record<string, unknown> | null> {
  const read = learnerReadFor(strapi)!;
  const found = await publishedEntryWithFiles(
    strapi,
    { uid: LESSON, table: read.lessons, documentId: lessonDocumentId, locale },
    read.media,
    { table: read.files, columns: read.file.fields.map((field) => field.column), fields: ['video', 'materials'] }
  );
  if (!found) return null;
  const files = (field: string) => found.files.get(field)!.map((file) => shapeRow(read.file, file));
  return {
    ...shapeRow(read.lesson, found.row),
    content: fromColumn('richtext', found.row[read.contentColumn]),
    videoUrl: fromColumn('string', found.row[read.videoUrlColumn]),
    video: files('video')[0] ?? null,
    materials: files('materials'),
  };
}
