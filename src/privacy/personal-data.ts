import type { Core } from '@strapi/strapi';
import { questionsForStudent, type AttemptQuestion } from '../plugins/grading/server/src/facade';
import { ORIGIN as SESSION_ORIGIN } from '../access/sessions';
import { collectMarketplaceData } from '../plugins/marketplace/server/src/facade';
import { collectSocialData } from '../plugins/social/server/src/facade';
import { collectTaskData } from '../plugins/marketplace/server/src/facade';
import { collectSupportData } from '../plugins/support/server/src/facade';
import { collectAccountData } from '../plugins/account/server/src/facade';

/**
 * Where Lyceum keeps data about a user, read from Strapi's own metadata rather than listed by hand: every content
 * type with a relation to users-permissions' user (enrollments, progress, attempts, submissions, certificates,
 * reviews, comments, messages, notifications, favorites, orders, uploads…), plus the rows that name a user without
 * a relation (sign-in sessions by user id, contact-form messages by email) and the social plugin's tables, which name
 * users by integer columns (posts, post comments, likes, follows both ways, reports, quiz-post attempts: asked of
 * the plugin). A content type a later issue adds with a relation to users is exported, and erased, without a change
 * here.
 */
export const USER = 'plugin::users-permissions.user';
const SESSION = 'admin::session';
const FEEDBACK = 'api::feedback.feedback';
const UPLOAD_FILE = 'plugin::upload.file';
const QUIZ_ATTEMPT = 'plugin::grading.quiz-attempt';

/** Never exported, whoever asks: secrets of the account. */
const SECRET_FIELDS = new Set(['password', 'resetPasswordToken', 'confirmationToken']);

export interface PersonalRelation {
  uid: string;
  /** The relation attribute naming the user (`student`, `author`, `sender`…). */
  attribute: string;
}

interface AttributeInfo {
  type?: string;
  target?: string;
  mappedBy?: string;
  relation?: string;
}

/** Every relation from a content type to a user, owning side only (a user's `teachingCourses` is course.teachers). */
export function relationsToUser(strapi: Core.Strapi): PersonalRelation[] {
  const relations: PersonalRelation[] = [];
  for (const [uid, model] of Object.entries(
    strapi.contentTypes as unknown as Record<string, { attributes?: object }>
  )) {
    if (uid === USER) continue;
    for (const [attribute, info] of Object.entries((model.attributes ?? {}) as Record<string, AttributeInfo>)) {
      if (info.type === 'relation' && info.target === USER && !info.mappedBy && !uid.startsWith('admin::'))
        relations.push({ uid, attribute });
    }
  }
  return relations.sort((a, b) => `${a.uid}.${a.attribute}`.localeCompare(`${b.uid}.${b.attribute}`));
}

/** The file name a content type's rows go to in the archive: `enrollment.json`, `quiz-attempt.json`… */
export const archiveNameOf = (uid: string) => `${uid.slice(uid.indexOf('.') + 1)}.json`;

type Row = Record<string, unknown>;

function withoutSecrets(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !SECRET_FIELDS.has(key)));
}

/** What an export shows of a row: its own fields, secrets left out, a quiz attempt's questions without the key. */
function exportedRow(uid: string, row: Row): Row {
  const clean = withoutSecrets(row);
  if (uid === QUIZ_ATTEMPT && Array.isArray(clean.questions))
    clean.questions = questionsForStudent(clean.questions as AttemptQuestion[]);
  return clean;
}

export interface PersonalData {
  /** `profile.json`, `<type>.json`…: what goes into the archive as JSON. */
  documents: Record<string, unknown>;
  /** Stored files to include: avatar, uploads, submission files. */
  files: Array<{ id: number; name: string; url: string; mime: string }>;
}

/** Everything stored about a user, for their export. */
export async function collectPersonalData(strapi: Core.Strapi, userId: number): Promise<PersonalData> {
  const profile = await strapi.db
    .query(USER)
    .findOne({ where: { id: userId }, populate: { role: { select: ['type', 'name'] }, avatar: true } });
  if (!profile) throw new Error(`no user ${userId}`);
  const documents: Record<string, unknown> = { 'profile.json': withoutSecrets(profile) };
  const files = new Map<number, PersonalData['files'][number]>();
  const addFile = (file: any) => {
    if (file?.id && file.url) files.set(file.id, { id: file.id, name: file.name, url: file.url, mime: file.mime });
  };
  addFile(profile.avatar);

  const byType = new Map<string, Map<number, Row>>();
  for (const { uid, attribute } of relationsToUser(strapi)) {
    const mediaAttributes = Object.entries(
      (strapi.contentTypes as any)[uid].attributes as Record<string, AttributeInfo>
    )
      .filter(([, info]) => info.type === 'media')
      .map(([name]) => name);
    const rows: Row[] = await strapi.db.query(uid as any).findMany({
      where: { [attribute]: { id: userId } },
      ...(mediaAttributes.length ? { populate: Object.fromEntries(mediaAttributes.map((name) => [name, true])) } : {}),
      orderBy: { id: 'asc' },
    });
    const kept = byType.get(uid) ?? new Map<number, Row>();
    for (const row of rows) {
      kept.set(Number(row.id), exportedRow(uid, row));
      for (const name of mediaAttributes) {
        const media = row[name];
        for (const file of Array.isArray(media) ? media : media ? [media] : []) addFile(file);
      }
      if (uid === UPLOAD_FILE) addFile(row);
    }
    byType.set(uid, kept);
  }
  for (const [uid, rows] of byType) documents[archiveNameOf(uid)] = [...rows.values()];
  const social = await collectSocialData(strapi, userId);
  Object.assign(documents, social.documents);
  for (const file of social.files) addFile(file);
  // The marketplace's task requests and offers name users by integer columns too.
  Object.assign(documents, (await collectTaskData(strapi, userId)).documents);
  Object.assign(documents, (await collectSupportData(strapi, userId)).documents);
  // Settings, push subscriptions and where sessions signed in from (the account plugin's own tables).
  Object.assign(documents, (await collectAccountData(strapi, userId)).documents);
  Object.assign(documents, (await collectMarketplaceData(strapi, userId)).documents);

  documents['sessions.json'] = await strapi.db.query(SESSION).findMany({
    where: { origin: SESSION_ORIGIN, userId: String(userId) },
    select: ['deviceId', 'status', 'type', 'createdAt', 'expiresAt', 'absoluteExpiresAt'],
    orderBy: { id: 'asc' },
  });
  if (profile.email && strapi.contentTypes[FEEDBACK as keyof typeof strapi.contentTypes])
    documents['feedback.json'] = await strapi.db
      .query(FEEDBACK as any)
      .findMany({ where: { email: { $eqi: String(profile.email) } }, orderBy: { id: 'asc' } });
  return { documents, files: [...files.values()] };
}
