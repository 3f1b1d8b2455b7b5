import type { Core } from '@strapi/strapi';
import { assertActiveAdminRemains } from '../access/admin-accounts';
import { likeContaining, runSql } from '../access/raw-sql';
import type { Caller } from '../access/roles';
import { ORIGIN as SESSION_ORIGIN } from '../access/sessions';
import { auditEntity, recordAuditEvent } from '../audit';
import { columnOf, linkOf, ownTableOf, tableOf } from '../database/tables';
import { invalidField, notFound } from '../errors/refusal';
import { defineJob, enqueue } from '../jobs';
import { credentials } from '../plugins/certificates/server/src/facade';
import { paymentEvents } from '../plugins/commerce/server/src/facade';
import { eraseMarketplaceDataOf } from '../plugins/marketplace/server/src/facade';
import { eraseSocialDataOf } from '../plugins/social/server/src/facade';
import { eraseTaskDataOf } from '../plugins/marketplace/server/src/facade';
import { eraseSupportDataOf } from '../plugins/support/server/src/facade';
import { eraseAccountDataOf } from '../plugins/account/server/src/facade';
import { deleteDataExportsOf } from './data-exports';
import { USER } from './personal-data';

/**
 * Erasure (contract, "Trust and privacy"): `DELETE /me { password }` and `DELETE /users/:id` by an admin. One
 * transaction removes or anonymises everything stored about the user; a durable job (`privacy.remove-files`,
 * recorded in that transaction) then deletes their stored files, so a storage that is away delays the files and never
 * undoes the erasure.
 *
 * - Removed: messages sent and received, notifications, favorites, sign-in sessions (and where they signed in from),
 *   account settings, web push subscriptions, data exports, contact-form
 *   messages sent with their email, jobs still naming them (mails not yet sent, done ones kept for a while), uploads
 *   (avatar, submission files, anything they uploaded); social: their likes of posts and post comments (the liked
 *   ones' like counts lowered in the same transaction by the statement's own count), their follows in both
 *   directions, their reports; marketplace: the tasks they posted (with the offers made on them) and the offers they
 *   made (a task assigned to them then names no tutor).
 * - Emptied: the text of every support ticket message they wrote (the message then names nobody: "Deleted user");
 *   their tickets lose subject and author and are closed (staff replies stay).
 * - Emptied: submissions' text (grades stay in the course's gradebook), quiz attempts' and quiz-post attempts'
 *   answers (scores stay), the payloads payment providers sent about their orders (or naming them), which carry
 *   email, name and billing details.
 * - Anonymised: the account stays as a blocked row, so that what others see keeps its place: reviews, comments,
 *   posts and post comments (drafts included) show "Deleted user"; their certificates stay valid with the holder "Erased holder"; their name is replaced
 *   in other people's notifications and in certificates naming them as a teacher. Email and username are replaced,
 *   so the email may register again.
 * - Refused for the last admin (409 `last_admin`). A second erasure of the same account changes nothing.
 * The audit trail keeps the erasure (ids only: the trail never held their name or text).
 */
export const DELETED_USER_NAME = 'Deleted user';
export const ERASED_HOLDER = 'Erased holder';
const ERASED_DOMAIN = '@erased.invalid';

const MESSAGE = 'api::message.message';
const NOTIFICATION = 'api::notification.notification';
const FAVORITE = 'api::favorite.favorite';
const SUBMISSION = 'api::submission.submission';
const QUIZ_ATTEMPT = 'plugin::grading.quiz-attempt';
const CERTIFICATE = 'plugin::certificates.certificate';
const FEEDBACK = 'api::feedback.feedback';
const SESSION = 'admin::session';
const UPLOAD_FILE = 'plugin::upload.file';
const JOBS_TABLE = 'lyceum_jobs';

export const isErasedEmail = (email: unknown) => typeof email === 'string' && email.endsWith(ERASED_DOMAIN);

interface UserRow {
  id: number;
  email: string;
  username: string;
  fullName: string | null;
  blocked: boolean | null;
  role?: { type?: string } | null;
  avatar?: { id: number } | null;
}

const removeFiles = defineJob<{ fileIds: number[] }>('privacy.remove-files', async (strapi, { fileIds }) => {
  const upload = strapi.plugin('upload').service('upload');
  for (const id of fileIds) {
    const file = await strapi.db.query(UPLOAD_FILE).findOne({ where: { id } });
    // Removed by a previous run: the job is idempotent.
    if (file) await upload.remove(file);
  }
});

/** Deletes rows of a content type by id with their link rows (both sides), in the caller's transaction. */
async function deleteRows(strapi: Core.Strapi, uid: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const attributes = (strapi.contentTypes as any)[uid].attributes as Record<string, { type?: string }>;
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const marks = chunk.map(() => '?').join(', ');
    for (const [name, info] of Object.entries(attributes)) {
      if (info.type !== 'relation') continue;
      let link;
      try {
        link = linkOf(strapi, uid, name);
      } catch {
        continue; // kept in a column, or the inverse side of another table's link
      }
      await runSql(strapi, `DELETE FROM ?? WHERE ?? IN (${marks})`, [link.table, link.ownColumn, ...chunk]);
    }
    await strapi.db.query(uid as any).deleteMany({ where: { id: { $in: chunk } } });
  }
}

const idsOf = (rows: Array<{ id: number }>) => rows.map((row) => row.id);

async function idsWhere(strapi: Core.Strapi, uid: string, where: Record<string, unknown>): Promise<number[]> {
  if (!(strapi.contentTypes as any)[uid]) return [];
  return idsOf(await strapi.db.query(uid as any).findMany({ where, select: ['id'] }));
}

/** The names a user's text may carry elsewhere: long enough not to match ordinary words by chance. */
const namesOf = (user: UserRow) => [
  ...new Set([user.fullName, user.username].filter((name): name is string => !!name && name.trim().length >= 3)),
];

/** The user as the erasure finds them; 404 for an unknown id. */
async function findUser(strapi: Core.Strapi, userId: number): Promise<UserRow> {
  const user = await strapi.db.query(USER).findOne({
    where: { id: userId },
    select: ['id', 'email', 'username', 'fullName', 'blocked'],
    populate: { role: { select: ['type'] }, avatar: { select: ['id'] } },
  });
  if (!user) throw notFound('No user has this id');
  return user;
}

export interface ErasureOutcome {
  id: number;
  erased: true;
}

/** Erases a user (see above); `actor` is the user themselves or the admin. Idempotent. */
export async function eraseUser(
  strapi: Core.Strapi,
  userId: number,
  actor: Caller,
  now = new Date()
): Promise<ErasureOutcome> {
  const user = await findUser(strapi, userId);
  if (isErasedEmail(user.email)) return { id: userId, erased: true };

  const job = await strapi.db.transaction(async () => {
    // The rule every write of an admin account passes (src/access/admin-accounts.ts), checked first here so that a
    // refused erasure does no work; two admins erasing each other at once cannot both pass.
    if (user.role?.type === 'admin')
      await assertActiveAdminRemains(
        strapi,
        'The last admin account cannot be erased: make another admin first',
        user.id
      );
    // Files: what they uploaded, their avatar, their submissions' files. Unlinked and renamed now, deleted by the job.
    const submissionIds = await idsWhere(strapi, SUBMISSION, { student: { id: userId } });
    const submissionFiles = submissionIds.length
      ? await strapi.db
          .query(SUBMISSION)
          .findMany({ where: { id: { $in: submissionIds } }, select: ['id'], populate: { files: { select: ['id'] } } })
      : [];
    const fileIds = new Set<number>([
      ...(await idsWhere(strapi, UPLOAD_FILE, { uploadedBy: { id: userId } })),
      ...(user.avatar ? [user.avatar.id] : []),
      ...submissionFiles.flatMap((row: { files?: Array<{ id: number }> | null }) => idsOf(row.files ?? [])),
    ]);
    for (const id of submissionIds)
      await strapi.db.query(SUBMISSION).update({ where: { id }, data: { text: null, files: [] } });
    if (fileIds.size)
      await strapi.db.query(UPLOAD_FILE).updateMany({
        where: { id: { $in: [...fileIds] } },
        data: { name: 'erased', alternativeText: null, caption: null },
      });

    await deleteRows(strapi, MESSAGE, [
      ...new Set([
        ...(await idsWhere(strapi, MESSAGE, { sender: { id: userId } })),
        ...(await idsWhere(strapi, MESSAGE, { recipient: { id: userId } })),
      ]),
    ]);
    await deleteRows(strapi, NOTIFICATION, await idsWhere(strapi, NOTIFICATION, { user: { id: userId } }));
    await deleteRows(strapi, FAVORITE, await idsWhere(strapi, FAVORITE, { user: { id: userId } }));
    if ((strapi.contentTypes as any)[FEEDBACK])
      await deleteRows(strapi, FEEDBACK, await idsWhere(strapi, FEEDBACK, { email: { $eqi: user.email } }));
    await strapi.db.query(SESSION).deleteMany({ where: { origin: SESSION_ORIGIN, userId: String(userId) } });
    // Settings, push subscriptions and session details (the account plugin's tables).
    await eraseAccountDataOf(strapi, userId);
    await deleteDataExportsOf(strapi, userId);

    const attemptIds = await idsWhere(strapi, QUIZ_ATTEMPT, { user: { id: userId } });
    if (attemptIds.length)
      await strapi.db
        .query(QUIZ_ATTEMPT as any)
        .updateMany({ where: { id: { $in: attemptIds } }, data: { answers: [] } });
    await eraseSocialDataOf(strapi, userId);
    await eraseTaskDataOf(strapi, userId);
    await eraseSupportDataOf(strapi, userId);
    await eraseMarketplaceDataOf(strapi, userId);
    const certificateIds = await idsWhere(strapi, CERTIFICATE, { user: { id: userId } });
    if (certificateIds.length)
      await strapi.db
        .query(CERTIFICATE as any)
        .updateMany({ where: { id: { $in: certificateIds } }, data: { studentName: ERASED_HOLDER } });

    // Their name where others' records quote it: notifications ("New message from …"), certificates naming a teacher.
    for (const name of namesOf(user)) {
      for (const [uid, attributes] of [
        [NOTIFICATION, ['title', 'body']],
        [CERTIFICATE, ['teacherNames']],
      ] as const) {
        if (!(strapi.contentTypes as any)[uid]) continue;
        for (const attribute of attributes) {
          const column = columnOf(strapi, uid, attribute);
          await runSql(strapi, `UPDATE ?? SET ?? = REPLACE(??, ?, ?) WHERE ?? LIKE ? ESCAPE '\\'`, [
            tableOf(strapi, uid),
            column,
            column,
            name,
            DELETED_USER_NAME,
            column,
            likeContaining(name),
          ]);
        }
      }
    }
    // Signed credentials naming them (as holder or teacher): re-signed from the certificates as they now read.
    await credentials(strapi).dropCredentialsNaming(namesOf(user));
    // Payment providers' payloads of their orders' events, and any other naming them: email, name, billing details.
    await paymentEvents(strapi).erasePayloadsOf(userId, [user.email, ...namesOf(user)]);
    // Jobs still naming them: mail not sent yet (to them), finished jobs kept for a while, and running ones (a
    // runner finishing a deleted row changes nothing; the row would otherwise keep their address).
    for (const text of [user.email, ...namesOf(user)])
      await runSql(strapi, `DELETE FROM ?? WHERE payload LIKE ? ESCAPE '\\'`, [
        ownTableOf(strapi, JOBS_TABLE),
        likeContaining(text),
      ]);

    await strapi.db.query(USER).update({
      where: { id: userId },
      data: {
        username: `deleted-user-${userId}`,
        email: `user-${userId}${ERASED_DOMAIN}`,
        fullName: DELETED_USER_NAME,
        bio: null,
        avatar: null,
        password: null,
        resetPasswordToken: null,
        confirmationToken: null,
        confirmed: false,
        blocked: true,
      },
    });
    await recordAuditEvent(strapi, {
      action: 'user.erased',
      actor,
      entity: auditEntity('user', userId),
      before: { role: user.role?.type ?? null },
      after: { erased: true, files: fileIds.size },
      at: now,
    });
    return fileIds.size ? enqueue(strapi, removeFiles, { fileIds: [...fileIds] }, { key: `erase:${userId}` }) : null;
  });
  // The files go now when storage answers; otherwise the runner retries the job.
  await job?.deliver();
  return { id: userId, erased: true };
}

/** DELETE /me: the caller's current password first (400 naming `password` when missing or wrong). */
export async function assertPassword(strapi: Core.Strapi, userId: number, password: string): Promise<void> {
  const row = await strapi.db.query(USER).findOne({ where: { id: userId }, select: ['id', 'password'] });
  const users = strapi.plugin('users-permissions').service('user');
  const isValid = !!row?.password && (await users.validatePassword(password, row.password));
  if (!isValid) throw invalidField('password', 'The password is not right');
}
