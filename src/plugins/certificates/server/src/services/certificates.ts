import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { assertCanManageCourse, teachingCourseDocumentIds } from '../../../../../access/ownership';
import { conflict } from '../../../../../access/refusal';
import type { Caller } from '../../../../../access/roles';
import { isWellFormedCode, newCertificateCode, verificationUrl } from '../rules/certificate-code';
import { renderCertificatePdf } from './certificate-pdf';
import { isUniqueViolation } from '../../../../../access/database-errors';
import { rememberCourseStructure } from '../../../../../access/course-structure-cache';

const CERTIFICATE = 'plugin::certificates.certificate';
const COURSE = 'api::course.course';
const USER = 'plugin::users-permissions.user';

const certificateKey = (userId: number, courseDocumentId: string) => `${userId}:${courseDocumentId}`;
const courseOfKey = (key: string) => key.slice(key.indexOf(':') + 1);
const PUBLIC_FIELDS = ['documentId', 'code', 'status', 'issuedAt', 'studentName', 'courseTitle', 'teacherNames', 'finalPercent', 'revokedAt'];

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

export interface CertificateSearch {
  student?: string;
  course?: string;
  code?: string;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  verificationUrlFor(code: string): string {
    const configured = process.env.CERTIFICATE_VERIFY_URL;
    const base = strapi.config.get<string>('server.url') || `http://localhost:${strapi.config.get<number>('server.port')}`;
    return verificationUrl(code, configured || `${base.replace(/\/$/, '')}/api/certificates/verify/{code}`);
  },

  /**
   * Issues the certificate of a student for a course exactly once: the unique key turns a concurrent or
   * repeated issue into the existing certificate. Names and title are a snapshot taken now.
   */
  async issue(params: { userId: number; courseDocumentId: string; now: Date; finalPercent?: number | null }): Promise<{ certificate: any; created: boolean }> {
    const key = certificateKey(params.userId, params.courseDocumentId);
    const existing = await strapi.db.query(CERTIFICATE).findOne({ where: { key } });
    if (existing) return { certificate: existing, created: false };

    const [user, courseRows, enrollment] = await Promise.all([
      strapi.db.query(USER).findOne({ where: { id: params.userId }, select: ['id', 'username', 'fullName', 'email'] }),
      // Kept with the course structure: a change of title or teachers is a course write and drops it; a teacher
      // renaming their own account shows on certificates issued from COURSE_STRUCTURE_TTL_MS later.
      rememberCourseStructure(strapi, `certificate-course:${params.courseDocumentId}`, () =>
        strapi.db.query(COURSE).findMany({
          where: { documentId: params.courseDocumentId },
          select: ['id', 'title', 'locale', 'publishedAt'],
          populate: { teachers: { select: ['username', 'fullName'] } },
        })
      ),
      strapi.plugin('enrollment').service('enrollments').findEnrollment(params.userId, params.courseDocumentId),
    ]);
    if (!user) throw new errors.NotFoundError('No user has this id');
    if (courseRows.length === 0) throw new errors.NotFoundError('Course not found');
    const course = courseRows.find((row: any) => row.locale === 'en' && row.publishedAt) ?? courseRows.find((row: any) => row.publishedAt) ?? courseRows[0];
    const teacherNames = [...new Set<string>(courseRows.flatMap((row: any) => (row.teachers ?? []).map((teacher: any) => teacher.fullName || teacher.username)))];

    try {
      const certificate = await strapi.db.query(CERTIFICATE).create({
        data: {
          key,
          code: newCertificateCode(),
          user: params.userId,
          course: course.publishedAt ? course.id : undefined,
          status: 'issued',
          issuedAt: params.now,
          studentName: user.fullName || user.username,
          courseTitle: course.title,
          teacherNames: teacherNames.join(', '),
          finalPercent: params.finalPercent ?? enrollment?.progressPercent ?? null,
        },
      });
      await this.notifyHolder(user, certificate);
      // Others (in-app notifications) subscribe; certificates does not reach into them.
      await strapi.eventHub.emit('lyceum.certificate.issued', {
        userId: params.userId,
        courseDocumentId: params.courseDocumentId,
        certificateDocumentId: certificate.documentId,
        courseTitle: certificate.courseTitle,
      });
      return { certificate, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return { certificate: await strapi.db.query(CERTIFICATE).findOne({ where: { key } }), created: false };
    }
  },

  /** The holder hears about it by email; a mail failure never undoes the certificate. */
  async notifyHolder(user: { email: string; fullName?: string; username: string }, certificate: any) {
    try {
      await strapi.plugin('email').service('email').send({
        to: user.email,
        subject: `Your certificate: ${certificate.courseTitle}`,
        text: [
          `Congratulations, ${certificate.studentName}!`,
          `You completed "${certificate.courseTitle}".`,
          `Anyone can check your certificate at ${this.verificationUrlFor(certificate.code)}`,
        ].join('\n\n'),
      });
    } catch (error) {
      strapi.log.warn(`certificates: could not email certificate ${certificate.documentId}: ${(error as Error).message}`);
    }
  },

  /** POST /courses/:documentId/certificates { user }: owners and admins issue by hand; a second time is 409. */
  async issueManually(caller: Caller, courseDocumentId: string, userId: number, now: Date) {
    await assertCanManageCourse(strapi, caller, courseDocumentId);
    const { certificate, created } = await this.issue({ userId, courseDocumentId, now });
    if (!created) throw conflict('This student already has a certificate for this course', 'already_issued');
    return certificate;
  },

  async listForHolder(userId: number) {
    return strapi.db.query(CERTIFICATE).findMany({ where: { user: { id: userId } }, orderBy: { issuedAt: 'desc' } });
  },

  /** The certificate if the caller is its holder, a teacher of its course, or an admin. */
  async findReadable(caller: Caller, documentId: string) {
    const certificate = await strapi.db.query(CERTIFICATE).findOne({ where: { documentId }, populate: { user: { select: ['id'] } } });
    if (!certificate) throw new errors.NotFoundError('Certificate not found');
    if (caller.userId !== null && certificate.user?.id === caller.userId) return certificate;
    try {
      await assertCanManageCourse(strapi, caller, courseOfKey(certificate.key));
    } catch (error) {
      // A deleted course leaves its certificates to their holders and admins.
      if (!(error instanceof errors.NotFoundError) || caller.role !== 'admin') throw error instanceof errors.NotFoundError ? new errors.NotFoundError('Certificate not found') : error;
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
    });
    return { certificate, pdf };
  },

  async revoke(caller: Caller, documentId: string, reason: string, now: Date) {
    const certificate = await strapi.db.query(CERTIFICATE).findOne({ where: { documentId }, select: ['id', 'key', 'status'] });
    if (!certificate) throw new errors.NotFoundError('Certificate not found');
    await assertCanManageCourse(strapi, caller, courseOfKey(certificate.key));
    const { count } = await strapi.db.query(CERTIFICATE).updateMany({
      where: { id: certificate.id, status: 'issued' },
      data: { status: 'revoked', revokedAt: now, revokeReason: reason },
    });
    if (count !== 1) throw conflict('This certificate is already revoked', 'already_revoked');
    return strapi.db.query(CERTIFICATE).findOne({ where: { id: certificate.id } });
  },

  /**
   * The admin panel's certificate search: by student (name or email), course title or code, each a
   * case-insensitive part, all given ones together. A teacher finds only the certificates of courses they teach.
   */
  async search(caller: Caller, criteria: CertificateSearch, page: { page: number; pageSize: number }) {
    const filters: Array<Record<string, unknown>> = [];
    if (caller.role !== 'admin') {
      const taught = caller.role === 'teacher' && caller.userId !== null ? await teachingCourseDocumentIds(strapi, caller.userId) : [];
      if (taught.length === 0) return { data: [], total: 0 };
      filters.push({ $or: taught.map((courseDocumentId) => ({ key: { $endsWith: `:${courseDocumentId}` } })) });
    }
    if (criteria.student) {
      filters.push({ $or: [{ studentName: { $containsi: criteria.student } }, { user: { email: { $containsi: criteria.student } } }, { user: { username: { $containsi: criteria.student } } }] });
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
    const certificate = isWellFormedCode(code) ? await strapi.db.query(CERTIFICATE).findOne({ where: { code }, select: PUBLIC_FIELDS }) : null;
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
    };
  },
});
