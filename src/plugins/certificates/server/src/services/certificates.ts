import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, teachingCourseDocumentIds } from '../../../../../access/ownership';
import { conflict } from '../../../../../errors/refusal';
import type { Caller } from '../../../../../access/roles';
import { isWellFormedCode, newCertificateCode, verificationUrl } from '../rules/certificate-code';
import { renderCertificatePdf } from '../pdf/certificate-pdf';
import { insertOnceWithLinks, runSql, toIsoOrNull } from '../../../../../access/raw-sql';
import { linkOf, tableOf } from '../../../../../database/tables';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';
import { sendMail } from '../../../../../mail/mail-job';
import { wantsMailOf } from '../../../../../notifications/channels';
import { deliverUnlessInTransaction, sendNotices } from '../../../../../notifications/notice-job';
import { enrollments } from '../../../../enrollment/server/src/facade';
import { enqueue } from '../../../../../jobs';
import { signCredential } from '../credential-job';
import { isSigningConfigured } from '../credentials/signing-keys';
import type credentialsService from './credentials';
import { auditEntity, recordAuditEvent } from '../../../../../audit';

const CERTIFICATE = 'plugin::certificates.certificate';
const COURSE = 'api::course.course';
const USER = 'plugin::users-permissions.user';

const credentials = (strapi: Core.Strapi) =>
  strapi.plugin('certificates').service('credentials') as ReturnType<typeof credentialsService>;

const certificateKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;
const courseOfKey = (key: string) => key.slice(key.indexOf(':') + 1);
const PUBLIC_FIELDS = [
  'documentId',
  'code',
  'status',
  'issuedAt',
  'studentName',
  'courseTitle',
  'teacherNames',
  'finalPercent',
  'revokedAt',
];

/** What the holder (and the course's staff) see of a certificate. */
export const presentCertificate = (row: any) => ({
  documentId: row.documentId,
  code: row.code,
  status: row.status,
  issuedAt: row.issuedAt,
  studentName: row.studentName,
  courseTitle: row.courseTitle,
  teacherNames: row.teacherNames,
  finalPercent: row.finalPercent,
  revokedAt: row.revokedAt ?? null,
  course: { documentId: courseOfKey(row.key) },
});

/** A certificate row as written by a fixed statement, in the shape the query engine answers. */
const certificateFromRow = (row: Record<string, unknown>) => ({
  id: Number(row.id),
  documentId: row.document_id as string,
  key: row.key as string,
  code: row.code as string,
  status: row.status as string,
  issuedAt: toIsoOrNull(row.issued_at),
  studentName: row.student_name as string,
  courseTitle: row.course_title as string,
  teacherNames: row.teacher_names as string,
  finalPercent: row.final_percent === null || row.final_percent === undefined ? null : Number(row.final_percent),
  revokedAt: toIsoOrNull(row.revoked_at),
});

export interface CertificateSearch {
  student?: string;
  course?: string;
  code?: string;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  verificationUrlFor(code: string): string {
    const configured = process.env.CERTIFICATE_VERIFY_URL;
    const base =
      strapi.config.get<string>('server.url') || `http://localhost:${strapi.config.get<number>('server.port')}`;
    return verificationUrl(code, configured || `${base.replace(/\/$/, '')}/api/certificates/verify/{code}`);
  },

  /**
   * Issues the certificate of a student for a course exactly once: the unique key turns a concurrent or
   * repeated issue into the existing certificate. Names and title are a snapshot taken now.
   */
  async issue(params: {
    userId: number;
    courseDocumentId: string;
    now: Date;
    finalPercent?: number | null;
    /** Staff issuing by hand; absent for the issue a completion causes. */
    actor?: Caller | null;
  }): Promise<{ certificate: any; created: boolean }> {
    const key = certificateKey(params.userId, params.courseDocumentId);
    const [users, course, finalPercent] = await Promise.all([
      runSql<{ username: string; full_name: string | null; email: string }>(
        strapi,
        'SELECT username, full_name, email FROM ?? WHERE id = ?',
        [tableOf(strapi, USER), params.userId]
      ),
      // Kept with the course structure: a change of title or teachers is a course write and drops it; a teacher
      // renaming their own account shows on certificates issued from COURSE_STRUCTURE_TTL_MS later.
      rememberCourseStructure(strapi, `certificate-course:${params.courseDocumentId}`, () =>
        this.readCertifiedCourse(params.courseDocumentId)
      ),
      params.finalPercent ??
        enrollments(strapi)
          .findEnrollment(params.userId, params.courseDocumentId)
          .then((enrollment) => enrollment?.progressPercent ?? null),
    ]);
    const user = users.rows[0];
    if (!user) throw new errors.NotFoundError('No user has this id');
    if (!course) throw new errors.NotFoundError('Course not found');

    // A fixed statement: every course completion issues one. A new certificate changes no cached answer (an
    // unknown code's 404 is never cached), so nothing is purged; a second issue finds the key taken. The holder's
    // mail and notice are jobs recorded with the certificate: only the issue that created it causes them, and a
    // rolled-back issue causes neither.
    const issued = await strapi.db.transaction(async () => {
      const { row } = await insertOnceWithLinks(
        strapi,
        CERTIFICATE,
        {
          key,
          code: newCertificateCode(),
          status: 'issued',
          issued_at: params.now,
          student_name: user.full_name || user.username,
          course_title: course.title,
          teacher_names: course.teacherNames.join(', '),
          final_percent: finalPercent,
        },
        { user: params.userId, course: course.publishedRowId },
        params.now
      );
      if (!row) return null;
      const certificate = certificateFromRow(row);
      await recordAuditEvent(strapi, {
        action: 'certificate.issued',
        actor: params.actor ?? null,
        entity: auditEntity('certificate', certificate.documentId),
        after: { status: 'issued', holder: params.userId, course: params.courseDocumentId, code: certificate.code },
        at: params.now,
      });
      await this.notifyHolder({ id: params.userId, email: user.email }, certificate);
      const notice = await sendNotices(strapi, {
        deliveryKey: `certificate-issued:${certificate.documentId}`,
        userIds: [params.userId],
        message: {
          type: 'certificate_issued',
          title: `Your certificate: ${certificate.courseTitle}`.slice(0, 200),
          body: `You completed "${certificate.courseTitle}".`,
          link: `/certificates/${certificate.documentId}`,
        },
      });
      // Its Open Badges credential is signed by a job of its own, recorded here (README "Certificates").
      const signing = isSigningConfigured()
        ? await enqueue(strapi, signCredential, { certificateId: certificate.id }, { key: String(certificate.id) })
        : null;
      return { certificate, notice, signing };
    });
    if (!issued) return { certificate: await strapi.db.query(CERTIFICATE).findOne({ where: { key } }), created: false };
    const { certificate, notice } = issued;
    // The notice is readable when the completing request answers, as it always was. The mail and the credential's
    // signing (tens of milliseconds of Ed25519 and RDF canonicalisation) are not waited for: the job runner takes them
    // right after the commit, and a credential fetched before its job ran is signed by that fetch.
    await deliverUnlessInTransaction(strapi, notice);
    return { certificate, created: true };
  },

  /**
   * What a certificate names of its course: the title (English where there is one, of the published version)
   * and the teachers of all its versions, in their order. Null for an unknown course. One fixed statement.
   */
  async readCertifiedCourse(
    courseDocumentId: string
  ): Promise<{ title: string; publishedRowId: number | null; teacherNames: string[] } | null> {
    const teachers = linkOf(strapi, COURSE, 'teachers');
    const { rows } = await runSql<{
      id: number;
      title: string;
      locale: string | null;
      published_at: unknown;
      username: string | null;
      full_name: string | null;
    }>(
      strapi,
      `SELECT c.id, c.title, c.locale, c.published_at, u.username, u.full_name
       FROM ?? c LEFT JOIN ?? t ON t.?? = c.id LEFT JOIN ?? u ON u.id = t.??
       WHERE c.document_id = ? ORDER BY c.id, t.??, t.id`,
      [
        tableOf(strapi, COURSE),
        teachers.table,
        teachers.ownColumn,
        tableOf(strapi, USER),
        teachers.targetColumn,
        courseDocumentId,
        teachers.orderColumn ?? 'id',
      ]
    );
    if (rows.length === 0) return null;
    const published = rows.filter((row) => row.published_at);
    const course = published.find((row) => row.locale === 'en') ?? published[0] ?? rows[0];
    const teacherNames = [
      ...new Set(rows.filter((row) => row.username !== null).map((row) => row.full_name || row.username!)),
    ];
    return { title: course.title, publishedRowId: published.length ? Number(course.id) : null, teacherNames };
  },

  /**
   * The holder hears about it by email, unless they turned off email for `certificate_issued` (settings): a
   * `mail.send` job, one per certificate.
   */
  async notifyHolder(
    user: { id: number; email: string },
    certificate: { documentId: string; code: string; courseTitle: string; studentName: string }
  ) {
    if (!user.email || !(await wantsMailOf(strapi, user.id, 'certificate_issued'))) return;
    await sendMail(
      strapi,
      {
        to: user.email,
        subject: `Your certificate: ${certificate.courseTitle}`,
        text: [
          `Congratulations, ${certificate.studentName}!`,
          `You completed "${certificate.courseTitle}".`,
          `Anyone can check your certificate at ${this.verificationUrlFor(certificate.code)}`,
        ].join('\n\n'),
      },
      { key: `certificate-mail:${certificate.documentId}` }
    );
  },

  /** POST /courses/:documentId/certificates { user }: owners and admins issue by hand; a second time is 409. */
  async issueManually(caller: Caller, courseDocumentId: string, userId: number, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const { certificate, created } = await this.issue({ userId, courseDocumentId, now, actor: caller });
    if (!created) throw conflict('This student already has a certificate for this course', 'already_issued');
    return certificate;
  },

  async listForHolder(userId: number) {
    return strapi.db.query(CERTIFICATE).findMany({ where: { user: { id: userId } }, orderBy: { issuedAt: 'desc' } });
  },

  /** The certificate if the caller is its holder, a teacher of its course, or an admin. */
  async findReadable(caller: Caller, documentId: string) {
    const certificate = await strapi.db
      .query(CERTIFICATE)
      .findOne({ where: { documentId }, populate: { user: { select: ['id'] } } });
    if (!certificate) throw new errors.NotFoundError('Certificate not found');
    if (caller.userId !== null && certificate.user?.id === caller.userId) return certificate;
    try {
      await assertCanManageCourse(strapi, caller, courseOfKey(certificate.key));
    } catch (error) {
      // A deleted course leaves its certificates to their holders and admins.
      if (!(error instanceof errors.NotFoundError) || caller.role !== 'admin')
        throw error instanceof errors.NotFoundError ? new errors.NotFoundError('Certificate not found') : error;
    }
    return certificate;
  },

  async pdf(caller: Caller, documentId: string): Promise<{ certificate: any; pdf: Buffer }> {
    const certificate = await this.findReadable(caller, documentId);
    const pdf = await renderCertificatePdf({
      code: certificate.code,
      studentName: certificate.studentName,
      courseTitle: certificate.courseTitle,
      teacherNames: certificate.teacherNames ?? '',
      finalPercent: certificate.finalPercent ?? null,
      issuedAt: new Date(certificate.issuedAt),
      status: certificate.status,
      verificationUrl: this.verificationUrlFor(certificate.code),
      credentialUrl: isSigningConfigured() ? credentials(strapi).credentialUrlFor(certificate.code) : null,
    });
    return { certificate, pdf };
  },

  async revoke(caller: Caller, documentId: string, reason: string, now: Date) {
    const certificate = await strapi.db
      .query(CERTIFICATE)
      .findOne({ where: { documentId }, select: ['id', 'key', 'status'] });
    if (!certificate) throw new errors.NotFoundError('Certificate not found');
    await assertCanManageCourse(strapi, caller, courseOfKey(certificate.key));
    // The revocation and its audit event commit together.
    await strapi.db.transaction(async () => {
      const { count } = await strapi.db.query(CERTIFICATE).updateMany({
        where: { id: certificate.id, status: 'issued' },
        data: { status: 'revoked', revokedAt: now, revokeReason: reason },
      });
      if (count !== 1) throw conflict('This certificate is already revoked', 'already_revoked');
      await recordAuditEvent(strapi, {
        action: 'certificate.revoked',
        actor: caller,
        entity: auditEntity('certificate', documentId),
        before: { status: 'issued' },
        after: { status: 'revoked' },
        reason,
        at: now,
      });
    });
    // The status lists publish it (every instance reads their bits again).
    credentials(strapi).forgetStatusLists();
    return strapi.db.query(CERTIFICATE).findOne({ where: { id: certificate.id } });
  },

  /**
   * The admin panel's certificate search: by student (name or email), course title or code, each a
   * case-insensitive part, all given ones together. A teacher finds only the certificates of courses they teach.
   */
  async search(caller: Caller, criteria: CertificateSearch, page: { page: number; pageSize: number }) {
    const filters: Array<Record<string, unknown>> = [];
    if (caller.role !== 'admin') {
      const taught =
        caller.role === 'teacher' && caller.userId !== null
          ? await teachingCourseDocumentIds(strapi, caller.userId)
          : [];
      if (taught.length === 0) return { data: [], total: 0 };
      filters.push({ $or: taught.map((courseDocumentId) => ({ key: { $endsWith: `:${courseDocumentId}` } })) });
    }
    if (criteria.student) {
      filters.push({
        $or: [
          { studentName: { $containsi: criteria.student } },
          { user: { email: { $containsi: criteria.student } } },
          { user: { username: { $containsi: criteria.student } } },
        ],
      });
    }
    if (criteria.course) filters.push({ courseTitle: { $containsi: criteria.course } });
    if (criteria.code) filters.push({ code: { $containsi: criteria.code } });
    const where = filters.length ? { $and: filters } : {};
    const [rows, total] = await Promise.all([
      strapi.db.query(CERTIFICATE).findMany({
        where,
        populate: { user: { select: ['id', 'username', 'email'] } },
        orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }],
        offset: (page.page - 1) * page.pageSize,
        limit: page.pageSize,
      }),
      strapi.db.query(CERTIFICATE).count({ where }),
    ]);
    const data = rows.map((row: any) => ({
      ...presentCertificate(row),
      revokeReason: row.revokeReason ?? null,
      // Staff see whose certificate it is, as on the course's students list; nothing else of the account.
      student: row.user ? { id: row.user.id, username: row.user.username, email: row.user.email } : null,
    }));
    return { data, total };
  },

  /** Public verification: names, course and dates; no email, no user id. Unknown and malformed codes are alike 404. */
  async verify(code: unknown) {
    const certificate = isWellFormedCode(code)
      ? await strapi.db.query(CERTIFICATE).findOne({ where: { code }, select: PUBLIC_FIELDS })
      : null;
    if (!certificate) throw new errors.NotFoundError('No certificate has this code');
    return {
      valid: certificate.status === 'issued',
      status: certificate.status,
      code: certificate.code,
      studentName: certificate.studentName,
      courseTitle: certificate.courseTitle,
      teacherNames: certificate.teacherNames,
      finalPercent: certificate.finalPercent,
      issuedAt: certificate.issuedAt,
      ...(certificate.revokedAt ? { revokedAt: certificate.revokedAt } : {}),
      // The signed Open Badges credential, for a wallet or a verifier (when this server signs them).
      ...(isSigningConfigured() ? { credentialUrl: credentials(strapi).credentialUrlFor(certificate.code) } : {}),
    };
  },
});
