import type { Core } from '@strapi/strapi';

/**
 * Which channels a user wants for each notification kind (contract "Tutor marketplace", Settings: in the app, by
 * email, as web push), as the core and the plugins that mail a kind of their own ask it. The account plugin keeps
 * the settings and answers (it registers its answer at start-up), so neither the core nor a plugin below account
 * calls it.
 */
export interface NoticeChannels {
  inApp: boolean;
  email: boolean;
  push: boolean;
}

/**
 * Kinds whose email is a mail the feature writes itself, with what only it knows (the certificate's verification
 * link, the waitlist offer's deadline, the staff's reply, the enrolment's course address), not the generic copy of
 * the notice. The kind's `email` switch decides whether that mail goes, and it is on unless the user turned it off
 * (these mails went to everyone before settings existed); notice delivery sends no copy beside it: one mail, not two.
 */
export const KINDS_WITH_OWN_MAIL: readonly string[] = [
  'certificate_issued',
  'waitlist_offer',
  'support_reply',
  'enrollment',
];

/**
 * Kinds whose mail is a receipt: it goes whatever the switch says (the buyer's record of a payment, which the law
 * asks a seller to hand over), and the notice's copy never goes beside it. The switch still governs in-app and push.
 */
export const KINDS_WITH_RECEIPT: readonly string[] = ['order_paid'];

/** Whether notice delivery sends its generic email copy for this kind (not when the kind has a mail of its own). */
export const hasGenericEmailCopy = (kind: string): boolean =>
  !KINDS_WITH_OWN_MAIL.includes(kind) && !KINDS_WITH_RECEIPT.includes(kind);

/**
 * The `email` switch of a kind the user never chose for: on for kinds with a mail of their own or a receipt, else
 * the profile's `emailNotifications` (a copy of every notice, off unless the user turned it on).
 */
export const emailByDefault = (kind: string, emailCopies: boolean): boolean =>
  !hasGenericEmailCopy(kind) || emailCopies;

export interface NotificationSettings {
  /** Per user, the channels of one kind: what they chose over the defaults. */
  channelsOf(userIds: readonly number[], kind: string): Promise<Map<number, NoticeChannels>>;
}

const provided = new WeakMap<Core.Strapi, NotificationSettings>();

export function provideNotificationSettings(strapi: Core.Strapi, settings: NotificationSettings): void {
  provided.set(strapi, settings);
}

function notificationSettings(strapi: Core.Strapi): NotificationSettings {
  const answer = provided.get(strapi);
  if (!answer) throw new Error('notifications: no plugin has provided the notification settings (account does)');
  return answer;
}

/** Whether the feature's own mail of this kind goes to this user (their `email` switch of the kind). */
export async function wantsMailOf(strapi: Core.Strapi, userId: number, kind: string): Promise<boolean> {
  const channels = await notificationSettings(strapi).channelsOf([userId], kind);
  return channels.get(userId)?.email ?? emailByDefault(kind, false);
}
