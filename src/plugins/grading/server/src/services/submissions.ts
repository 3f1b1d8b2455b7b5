import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, canManageCourse, findCourseOfContent } from '../../../../../access/ownership';
import { conflict, invalidFields, Refusal } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import { assertFilesUploadable } from '../../../../../uploads/upload-guard';
import { assertFilesAttachable } from '../../../../../uploads/media-fields';
import { fileProblem, MAX_FILES_PER_SUBMISSION, normaliseAllowedTypes } from '../rules/submission-files';
import {
  decideSubmission,
  gradeAfterPenalty,
  gradeProblem,
  type GradeStatus,
  type SubmissionStatus,
} from '../rules/submission-rules';
import { gradeByRubric, rubricOf, type ChosenLevel, type RubricCriterion } from '../rules/rubric';
import { isUniqueViolation } from '../../../../../errors/unique-violation';
import { effectiveStatus, enrollments } from '../../../../enrollment/server/src/facade';
import { lessonProgress, lessonRefusal, type LessonRefusal } from '../../../../progress/server/src/facade';
import { auditEntity, auditEventsOf, recordAuditEvent, type AuditState } from '../../../../../audit';

const ASSIGNMENT = 'api::assignment.assignment';
const SUBMISSION = 'api::submission.submission';
const NOTIFICATION = 'api::notification.notification';

export interface AssignmentSettings {
  id: number;
  documentId: string;
  title: string;
  dueAt: Date | null;
  maxPoints: number;
  allowLate: boolean;
  latePenaltyPercent: number;
  allowedFileTypes: string[];
  maxFileSizeMb: number;
  isPublished: boolean;
  courseDocumentId: string;
  lessonDocumentId: string | null;
  /** Criteria and their levels, when the assignment is graded by rubric. */
  rubric: RubricCriterion[] | null;
}

/** A file as the body parser (formidable) hands it over. */
export interface UploadedFile {
  filepath: string;
  originalFilename?: string | null;
  mimetype?: string | null;
  size: number;
  [key: string]: unknown;
}

interface StoredFile {
  id: number;
  name: string;
  url: string;
  mime: string;
  size: number;
  ext?: string;
  provider?: string;
  formats?: unknown;
}

export interface SubmissionRow {
  id: number;
  documentId: string;
  key: string;
  text: string | null;
  attempt: number;
  status: SubmissionStatus;
  isLate: boolean;
  latePenaltyPercent: number | null;
  grade: number | string | null;
  finalGrade: number | string | null;
  /** The levels chosen when graded by rubric. */
  rubricLevels?: ChosenLevel[] | null;
  feedback: string | null;
  submittedAt: string | null;
  gradedAt: string | null;
  student?: { id: number; username: string; fullName: string | null; email: string } | null;
  files?: StoredFile[] | null;
}

const ROW_FIELDS = [
  'id',
  'documentId',
  'key',
  'text',
  'attempt',
  'status',
  'isLate',
  'latePenaltyPercent',
  'grade',
  'finalGrade',
  'rubricLevels',
  'feedback',
  'submittedAt',
  'gradedAt',
];
const ROW_POPULATE = {
  student: { select: ['id', 'username', 'fullName', 'email'] },
  files: { select: ['id', 'name', 'url', 'mime', 'size', 'ext', 'provider', 'formats'] },
};

/** The database-unique key of "this student's work for this assignment": one active submission, whatever races. */
export const submissionKey = (userId: number, assignmentDocumentId: string) => `${userId}:${assignmentDocumentId}`;
export const assignmentOfKey = (key: string) => key.slice(key.indexOf(':') + 1);

const toNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const toIso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
const fieldError = (path: string[], message: string) =>
  new errors.ValidationError(message, { errors: [{ path, message, name: 'ValidationError' }] });

/** Who handed a submission in, as its course's teachers and admins see them. */
export const presentStudent = (student: SubmissionRow['student']) =>
  student
    ? { id: student.id, username: student.username, fullName: student.fullName ?? null, email: student.email }
    : null;

/** A submission as its student, the course's teachers and admins see it. */
export function presentSubmission(row: SubmissionRow, assignmentDocumentId = assignmentOfKey(row.key)) {
  return {
    documentId: row.documentId,
    assignment: assignmentDocumentId,
    student: presentStudent(row.student),
    text: row.text ?? null,
    files: (row.files ?? []).map((file) => ({
      id: file.id,
      name: file.name,
      url: file.url,
      mime: file.mime,
      size: Number(file.size),
    })),
    attempt: row.attempt,
    status: row.status,
    isLate: Boolean(row.isLate),
    latePenaltyPercent: row.latePenaltyPercent ?? 0,
    grade: toNumber(row.grade),
    finalGrade: toNumber(row.finalGrade),
    rubric: row.rubricLevels ?? null,
    feedback: row.feedback ?? null,
    submittedAt: toIso(row.submittedAt),
    gradedAt: toIso(row.gradedAt),
  };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * The assignment's settings, from its published version when there is one. Students only reach
   * published assignments; owners still see the submissions of one unpublished since.
   */
  async loadAssignment(documentId: string, options: { publishedOnly: boolean }): Promise<AssignmentSettings> {
    const rows = await strapi.db.query(ASSIGNMENT).findMany({
      where: { documentId },
      select: [
        'id',
        'title',
        'dueAt',
        'maxPoints',
        'allowLate',
        'latePenaltyPercent',
        'allowedFileTypes',
        'maxFileSizeMb',
        'rubric',
        'publishedAt',
      ],
      populate: { lesson: { select: ['documentId'] } },
    });
    const row =
      rows.find((candidate: { publishedAt: unknown }) => candidate.publishedAt) ??
      (options.publishedOnly ? undefined : rows[0]);
    const courseDocumentId = row ? await findCourseOfContent(strapi, ASSIGNMENT, documentId) : undefined;
    if (!row || !courseDocumentId) throw new errors.NotFoundError('Assignment not found');
    return {
      id: row.id,
      documentId,
      title: row.title,
      dueAt: row.dueAt ? new Date(row.dueAt) : null,
      maxPoints: Number(row.maxPoints ?? 100),
      allowLate: row.allowLate !== false,
      latePenaltyPercent: Number(row.latePenaltyPercent ?? 0),
      allowedFileTypes: normaliseAllowedTypes(row.allowedFileTypes),
      maxFileSizeMb: Number(row.maxFileSizeMb ?? 10),
      isPublished: Boolean(row.publishedAt),
      courseDocumentId,
      lessonDocumentId:
        rows.find((candidate: { lesson?: { documentId: string } | null }) => candidate.lesson)?.lesson?.documentId ??
        null,
      rubric: rubricOf(row.rubric),
    };
  },

  /**
   * Only a student enrolled in the (published) course hands work in, as for quizzes: teaching it is not
   * being enrolled in it, and an assignment of a lesson waits until that lesson is open to the student.
   */
  async assertMaySubmit(caller: Caller, assignment: AssignmentSettings, now: Date) {
    const course = await enrollments(strapi).loadCourseTerms(assignment.courseDocumentId);
    if (!course) throw new errors.NotFoundError('Assignment not found');
    if (!course.isPublished) throw new Refusal('This course is not published', 'not_published');
    const enrollment = await enrollments(strapi).findEnrollment(caller.userId!, assignment.courseDocumentId);
    const status = enrollment ? effectiveStatus(enrollment, now) : null;
    if (!status || status === 'cancelled') throw lessonRefusal('not_enrolled', 'hand_in');
    if (status === 'expired') throw lessonRefusal('access_expired', 'hand_in');
    if (assignment.lessonDocumentId) {
      let decision: { allowed: true } | { allowed: false; reason: LessonRefusal };
      try {
        ({ decision } = await lessonProgress(strapi).checkLessonAccess(caller, assignment.lessonDocumentId, now));
      } catch (error) {
        // A lesson deleted since gates nothing.
        if (error instanceof errors.NotFoundError) return;
        throw error;
      }
      if (!decision.allowed) throw lessonRefusal(decision.reason, 'hand_in');
    }
  },

  /** Every file is judged before any is stored, so a refused submission leaves nothing behind. */
  assertFilesAccepted(files: UploadedFile[], assignment: AssignmentSettings) {
    if (files.length > MAX_FILES_PER_SUBMISSION)
      throw fieldError(['files'], `At most ${MAX_FILES_PER_SUBMISSION} files per submission`);
    const security = (strapi.config.get(['plugin::upload', 'security'] as any, {}) ?? {}) as {
      allowedTypes?: string[];
      deniedTypes?: string[];
    };
    // The parser lists files in the order they finish writing, not the order sent: the message names the file.
    files.forEach((file) => {
      const problem = fileProblem(
        { name: file.originalFilename ?? '', declaredMime: file.mimetype ?? null, size: Number(file.size) },
        {
          allowedFileTypes: assignment.allowedFileTypes,
          maxFileSizeMb: assignment.maxFileSizeMb,
          uploadAllowedTypes: security.allowedTypes ?? null,
          uploadDeniedTypes: security.deniedTypes ?? null,
        }
      );
      if (problem) throw fieldError(['files'], problem);
    });
  },

  async findByKey(key: string): Promise<SubmissionRow | null> {
    return strapi.db.query(SUBMISSION).findOne({ where: { key }, select: ROW_FIELDS, populate: ROW_POPULATE });
  },

  /**
   * POST /assignments/:documentId/submissions. The first hand-in creates the one row the unique key allows;
   * a later one replaces its content by a conditional UPDATE on the attempt it saw, so of two racing
   * hand-ins each lands as its own attempt and none is lost or doubled.
   */
  async submit(
    caller: Caller,
    assignmentDocumentId: string,
    work: { text: string | null; files: UploadedFile[] },
    now: Date
  ) {
    const assignment = await this.loadAssignment(assignmentDocumentId, { publishedOnly: true });
    await this.assertMaySubmit(caller, assignment, now);
    this.assertFilesAccepted(work.files, assignment);
    // What the bytes are, not what the name says: HTML or a program named essay.pdf would be served from
    // this site's own origin to the teacher who opens it.
    await assertFilesUploadable(strapi, work.files, 'files');
    const userId = caller.userId!;
    const key = submissionKey(userId, assignmentDocumentId);
    const policy = {
      dueAt: assignment.dueAt,
      allowLate: assignment.allowLate,
      latePenaltyPercent: assignment.latePenaltyPercent,
    };

    // Refuse before storing anything: the decision is taken again on the row actually replaced below.
    this.assertDecision(decideSubmission(policy, await this.findByKey(key), now));
    const stored = await this.storeFiles(work.files, userId);
    try {
      // The same attach rule as every media field (src/uploads/media-fields.ts): here the files are the ones just
      // uploaded by this student, so it holds by construction; kinds are the assignment's call (assertFilesAccepted).
      await assertFilesAttachable(
        strapi,
        { kind: 'api-user', userId },
        stored.length ? [{ path: ['files'], ids: stored.map((file) => file.id), documentIds: [] }] : []
      );
      for (let tries = 0; tries < 5; tries += 1) {
        const existing = await this.findByKey(key);
        const decision = this.assertDecision(decideSubmission(policy, existing, now));
        const content = {
          text: work.text,
          attempt: decision.attempt,
          status: 'submitted',
          isLate: decision.isLate,
          latePenaltyPercent: decision.latePenaltyPercent,
          grade: null,
          finalGrade: null,
          rubricLevels: null,
          feedback: null,
          submittedAt: now,
          gradedAt: null,
        };
        const fileIds = stored.map((file) => file.id);
        if (!existing) {
          try {
            // In a transaction so the row read back is this hand-in's: a racer replacing it waits for the commit.
            const created = await strapi.db.transaction(async () => {
              const row: SubmissionRow = await strapi.db.query(SUBMISSION).create({
                data: { ...content, key, student: userId, assignment: assignment.id, files: fileIds },
                select: ROW_FIELDS,
                populate: ROW_POPULATE,
              });
              await recordHandIn(strapi, caller, row.documentId, content, fileIds.length);
              return row;
            });
            return presentSubmission(created, assignmentDocumentId);
          } catch (error) {
            // Another hand-in of the same student created the row first: replace it instead.
            if (!isUniqueViolation(error)) throw error;
            continue;
          }
        }
        const replaced = await strapi.db.transaction(async () => {
          const { count } = await strapi.db.query(SUBMISSION).updateMany({
            where: { id: existing.id, attempt: existing.attempt, status: existing.status },
            data: content,
          });
          if (count === 0) return null;
          await strapi.db.query(SUBMISSION).update({ where: { id: existing.id }, data: { files: fileIds } });
          await recordHandIn(strapi, caller, existing.documentId, content, fileIds.length);
          // Read while the row is still locked: after the commit a racer may already have replaced it.
          return this.findByKey(key);
        });
        if (!replaced) continue;
        await this.removeFiles(existing.files ?? []);
        return presentSubmission(replaced, assignmentDocumentId);
      }
      throw new errors.ApplicationError('Could not save the submission; try again');
    } catch (error) {
      await this.removeFiles(stored);
      throw error;
    }
  },

  assertDecision(decision: ReturnType<typeof decideSubmission>) {
    if (decision.allowed) return decision;
    if (decision.reason === 'already_graded') throw conflict(decision.message, decision.reason);
    throw new Refusal(decision.message, decision.reason);
  },

  async storeFiles(files: UploadedFile[], uploaderId: number): Promise<StoredFile[]> {
    if (files.length === 0) return [];
    // assertFilesUploadable has set each file's type to the one its content shows.
    const stored: StoredFile[] = await strapi
      .plugin('upload')
      .service('upload')
      .upload({ data: { fileInfo: files.map(() => ({})) }, files });
    // Recorded like a POST /upload: the student may replace or delete their own file, and nobody else may attach it.
    for (const file of stored)
      await strapi.db.query('plugin::upload.file').update({ where: { id: file.id }, data: { uploadedBy: uploaderId } });
    return stored;
  },

  async removeFiles(files: StoredFile[]) {
    const upload = strapi.plugin('upload').service('upload');
    for (const file of files) {
      try {
        const full = await strapi.db.query('plugin::upload.file').findOne({ where: { id: file.id } });
        if (full) await upload.remove(full);
      } catch (error) {
        // A file left behind costs disk space, not correctness: the submission no longer points to it.
        strapi.log.warn(`Could not remove replaced submission file ${file.id}: ${(error as Error).message}`);
      }
    }
  },

  /**
   * GET /assignments/:documentId/submissions. Owners and admins see every student's; anyone else only
   * their own, and only while they belong to the course or have handed something in.
   */
  async list(caller: Caller, assignmentDocumentId: string, page: { page: number; pageSize: number }) {
    if (await this.isManagerOfAssignment(caller, assignmentDocumentId)) {
      const where = { key: { $endsWith: `:${assignmentDocumentId}` } };
      const [rows, total] = await Promise.all([
        strapi.db.query(SUBMISSION).findMany({
          where,
          select: ROW_FIELDS,
          populate: ROW_POPULATE,
          orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
          offset: (page.page - 1) * page.pageSize,
          limit: page.pageSize,
        }),
        strapi.db.query(SUBMISSION).count({ where }),
      ]);
      return { data: rows.map((row: SubmissionRow) => presentSubmission(row, assignmentDocumentId)), total };
    }
    const own = await this.findByKey(submissionKey(caller.userId!, assignmentDocumentId));
    if (!own) {
      const assignment = await this.loadAssignment(assignmentDocumentId, { publishedOnly: true });
      if (!(await enrollments(strapi).isMember(caller.userId!, assignment.courseDocumentId))) {
        throw new Refusal('Enroll in the course to see this', 'not_enrolled');
      }
    }
    return { data: own ? [presentSubmission(own, assignmentDocumentId)] : [], total: own ? 1 : 0 };
  },

  async findByDocumentId(submissionDocumentId: string): Promise<SubmissionRow | null> {
    return strapi.db
      .query(SUBMISSION)
      .findOne({ where: { documentId: submissionDocumentId }, select: ROW_FIELDS, populate: ROW_POPULATE });
  },

  /** A submission with its assignment, for a caller who teaches its course (404 unknown, 403 `not_course_owner`). */
  async findManaged(
    caller: Caller,
    submissionDocumentId: string
  ): Promise<{ submission: SubmissionRow; assignment: AssignmentSettings }> {
    const submission = await this.findByDocumentId(submissionDocumentId);
    if (!submission) throw new errors.NotFoundError('Submission not found');
    const assignment = await this.loadAssignment(assignmentOfKey(submission.key), { publishedOnly: false });
    await assertCanManageCourse(strapi, caller, assignment.courseDocumentId);
    return { submission, assignment };
  },

  /**
   * GET /submissions/:documentId/history: every version handed in and every grade given, oldest first, from the
   * audit trail. Its student, the course's teachers and admins; anyone else gets 404 like an unknown id (the
   * contract's second part: an entry one may not see is not found).
   */
  async history(caller: Caller, submissionDocumentId: string) {
    const submission = await this.findByDocumentId(submissionDocumentId);
    const notFound = new errors.NotFoundError('Submission not found');
    if (!submission) throw notFound;
    const isStudent = caller.userId !== null && submission.student?.id === caller.userId;
    if (!isStudent) {
      const assignment = await this.loadAssignment(assignmentOfKey(submission.key), { publishedOnly: false }).catch(
        () => null
      );
      if (!assignment || !(await canManageCourse(strapi, caller, assignment.courseDocumentId))) throw notFound;
    }
    const events = await auditEventsOf(strapi, auditEntity('submission', submissionDocumentId));
    return events.map((event) => {
      const state = event.after ?? {};
      return {
        action: event.action,
        attempt: state.attempt ?? null,
        grade: state.grade ?? null,
        finalGrade: state.finalGrade ?? null,
        status: state.status ?? null,
        feedback: state.feedback ?? null,
        by: { id: event.actor, role: event.actorRole },
        at: event.at,
      };
    });
  },

  async isManagerOfAssignment(caller: Caller, assignmentDocumentId: string) {
    const assignment = await this.loadAssignment(assignmentDocumentId, { publishedOnly: false });
    return canManageCourse(strapi, caller, assignment.courseDocumentId);
  },

  /**
   * PUT /submissions/:documentId/grade. Written only if the student has not handed in a new version
   * since the teacher opened it (409 `submission_changed`), and the student is told in the same
   * transaction: a posted grade is never silent.
   */
  async grade(
    caller: Caller,
    submissionDocumentId: string,
    input: {
      grade?: number | null;
      rubric?: unknown;
      feedback?: string | null;
      status: GradeStatus;
      attempt?: number;
    },
    now: Date
  ) {
    const { submission, assignment } = await this.findManaged(caller, submissionDocumentId);
    const assignmentDocumentId = assignment.documentId;
    // The attempt the teacher was shown (the admin panel sends it): grading it must not land on a newer one.
    if (input.attempt !== undefined && input.attempt !== submission.attempt) {
      throw conflict('The student handed in a new version meanwhile; open it again', 'submission_changed');
    }

    let grade = input.grade === undefined ? toNumber(submission.grade) : input.grade;
    // Points given by hand replace a grade by rubric; a status change alone keeps the levels with their grade.
    let rubricLevels = input.grade === undefined ? (submission.rubricLevels ?? null) : null;
    if (input.rubric !== undefined) {
      if (!assignment.rubric) throw fieldError(['rubric'], 'This assignment has no rubric: grade it in points');
      const byRubric = gradeByRubric(assignment.rubric, input.rubric);
      if ('problems' in byRubric)
        throw invalidFields(byRubric.problems, byRubric.problems.map((p) => p.message).join('; '));
      grade = byRubric.grade;
      rubricLevels = byRubric.levels;
    }
    const problem = gradeProblem(grade, input.status, assignment.maxPoints);
    if (problem) throw fieldError([problem.field], problem.message);
    const feedback = input.feedback === undefined ? submission.feedback : input.feedback;
    const finalGrade = grade === null ? null : gradeAfterPenalty(grade, submission.latePenaltyPercent ?? 0);

    await strapi.db.transaction(async () => {
      const { count } = await strapi.db.query(SUBMISSION).updateMany({
        where: { id: submission.id, attempt: submission.attempt },
        data: { grade, finalGrade, rubricLevels, feedback, status: input.status, gradedAt: now },
      });
      if (count === 0)
        throw conflict('The student handed in a new version meanwhile; open it again', 'submission_changed');
      // A grade and every regrade, with what it replaced: the submission's history reads these.
      await recordAuditEvent(strapi, {
        action: 'submission.graded',
        actor: caller,
        entity: auditEntity('submission', submission.documentId),
        before: gradeState(submission),
        after: gradeState({ attempt: submission.attempt, grade, finalGrade, status: input.status, feedback }),
        at: now,
      });
      if (submission.student) {
        await strapi
          .service(NOTIFICATION)
          .notify(submission.student.id, gradeMessage(assignment, input.status, finalGrade));
      }
    });
    return presentSubmission((await this.findByKey(submission.key))!, assignmentDocumentId);
  },
});

/** What a grade event keeps of a submission: its numbers, status and the staff's feedback, never the student's text. */
function gradeState(row: {
  attempt: number;
  grade: number | string | null;
  finalGrade: number | string | null;
  status: string;
  feedback: string | null;
}): AuditState {
  return {
    attempt: row.attempt,
    grade: toNumber(row.grade),
    finalGrade: toNumber(row.finalGrade),
    status: row.status,
    feedback: row.feedback ?? null,
  };
}

/** A hand-in (first or resubmission) in the trail, in its transaction: a version of the submission's history. */
async function recordHandIn(
  strapi: Core.Strapi,
  caller: Caller,
  submissionDocumentId: string,
  content: { attempt: number; isLate: boolean; submittedAt: Date },
  fileCount: number
) {
  await recordAuditEvent(strapi, {
    action: 'submission.submitted',
    actor: caller,
    entity: auditEntity('submission', submissionDocumentId),
    after: {
      attempt: content.attempt,
      grade: null,
      finalGrade: null,
      status: 'submitted',
      feedback: null,
      isLate: content.isLate,
      files: fileCount,
    },
    at: content.submittedAt,
  });
}

function gradeMessage(assignment: AssignmentSettings, status: GradeStatus, finalGrade: number | null) {
  const points = finalGrade === null ? null : `${finalGrade} / ${assignment.maxPoints}`;
  const title =
    status === 'resubmit_requested'
      ? `Resubmission requested: ${assignment.title}`
      : status === 'returned'
        ? `Returned with feedback: ${assignment.title}`
        : `Grade posted: ${assignment.title}`;
  return {
    type: 'grade_posted' as const,
    title,
    body: points ? `Your grade: ${points}` : 'Your teacher left feedback on your submission',
    link: `/assignments/${assignment.documentId}`,
  };
}
