import type { Core } from '@strapi/strapi';
import { sendMail } from '../../../../mail/mail-job';
import { wantsMailOf } from '../../../../notifications/channels';
import { sendNotices } from '../../../../notifications/notice-job';

const USER = 'plugin::users-permissions.user';

type Locale = 'en' | 'ru';

/** The words of a staff reply's notice and mail, per locale (the user's `preferredLocale`, English otherwise). */
const WORDS: Record<
  Locale,
  {
    noticeTitle: (subject: string) => string;
    subject: (subject: string) => string;
    hello: (name: string) => string;
    replied: (subject: string) => string;
    open: string;
  }
> = {
  en: {
    noticeTitle: (subject) => `Support replied: ${subject}`,
    subject: (subject) => `Support replied to your ticket: ${subject}`,
    hello: (name) => `Hello ${name},`,
    replied: (subject) => `support answered your ticket "${subject}":`,
    open: 'Read the whole thread and answer it here:',
  },
  ru: {
    noticeTitle: (subject) => `Ответ поддержки: ${subject}`,
    subject: (subject) => `Поддержка ответила на ваше обращение: ${subject}`,
    hello: (name) => `Здравствуйте, ${name}!`,
    replied: (subject) => `служба поддержки ответила на ваше обращение «${subject}»:`,
    open: 'Вся переписка и ответ — здесь:',
  },
};

const localeOf = (value: unknown): Locale => (value === 'ru' ? 'ru' : 'en');
const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/** A staff reply's notice and mail text in the user's locale (pure: unit-tested). */
export function replyMessages(reply: {
  locale: unknown;
  name: string;
  subject: string;
  body: string;
  link: string | null;
}): { notice: { title: string; body: string }; mail: { subject: string; text: string } } {
  const words = WORDS[localeOf(reply.locale)];
  const subject = clip(reply.subject, 120);
  return {
    notice: { title: clip(words.noticeTitle(subject), 200), body: clip(reply.body, 500) },
    mail: {
      subject: clip(words.subject(subject), 200),
      text: [
        words.hello(reply.name),
        words.replied(subject),
        reply.body,
        reply.link ? `${words.open}\n${reply.link}` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    },
  };
}

/**
 * Tells a ticket's author of a staff reply, in the reply's transaction (src/jobs): an in-app notice
 * (`support_reply`, through `notification.send`) and a mail (`mail.send`) unless they turned off email for
 * `support_reply` (settings; notice delivery sends no generic copy of this kind, so it is never two mails). Both
 * keyed by the message, so they are recorded once.
 */
export async function tellReply(
  strapi: Core.Strapi,
  reply: { messageId: number; userId: number; ticketDocumentId: string; subject: string; body: string }
): Promise<void> {
  const user = await strapi.db.query(USER).findOne({
    where: { id: reply.userId },
    select: ['email', 'username', 'fullName', 'preferredLocale', 'blocked'],
  });
  if (!user) return;
  const link = `/support/tickets/${reply.ticketDocumentId}`;
  const publicUrl = ((strapi.config.get('server.url') as string) || '').replace(/\/+$/, '');
  const messages = replyMessages({
    locale: user.preferredLocale,
    name: user.fullName || user.username,
    subject: reply.subject,
    body: reply.body,
    link: publicUrl ? `${publicUrl}${link}` : null,
  });
  await sendNotices(strapi, {
    deliveryKey: `support.reply:${reply.messageId}`,
    userIds: [reply.userId],
    message: { type: 'support_reply', ...messages.notice, link },
  });
  if (user.email && !user.blocked && (await wantsMailOf(strapi, reply.userId, 'support_reply')))
    await sendMail(strapi, { to: user.email, ...messages.mail }, { key: `support.reply-mail:${reply.messageId}` });
}
