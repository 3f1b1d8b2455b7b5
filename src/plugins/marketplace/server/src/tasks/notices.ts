import type { Core } from '@strapi/strapi';
import { sendNotices } from '../../../../../notifications/notice-job';
import type { EnqueuedJob } from '../../../../../jobs';
import { USER } from '../queries/marketplace-tables';

/**
 * Task notices, all through the durable jobs (`notification.send`), recorded in the transaction of the change that
 * causes them: a new offer (to the task's author), an accept (to the chosen tutor, and to every tutor whose offer it
 * declined), a completion (to the tutor). Each delivery key names its event, so a retried job writes nothing twice.
 */
const quoted = (title: string) => `“${title.length > 80 ? `${title.slice(0, 79)}…` : title}”`;

async function nameOf(strapi: Core.Strapi, userId: number): Promise<string> {
  const user = await strapi.db.query(USER).findOne({ where: { id: userId }, select: ['username', 'fullName'] });
  return user ? user.fullName || user.username : 'A tutor';
}

interface TaskFacts {
  id: number;
  documentId: string;
  title: string;
  authorId: number | null;
}

const linkOf = (task: TaskFacts) => `/tasks/${task.documentId}`;

/** A new offer, told to the task's author. */
export async function announceOffer(
  strapi: Core.Strapi,
  event: { offerId: number; task: TaskFacts; tutorId: number; now: Date }
): Promise<EnqueuedJob | null> {
  if (event.task.authorId === null) return null;
  return sendNotices(strapi, {
    deliveryKey: `marketplace.offer:${event.offerId}`,
    userIds: [event.task.authorId],
    message: {
      type: 'new_offer',
      title: `${await nameOf(strapi, event.tutorId)} made an offer on ${quoted(event.task.title)}`.slice(0, 200),
      link: linkOf(event.task),
    },
  });
}

/** An accept: the chosen tutor hears they were chosen, each declined tutor that the task went to someone else. */
export async function announceAccept(
  strapi: Core.Strapi,
  event: { task: TaskFacts; acceptedTutorId: number; declinedTutorIds: number[] }
): Promise<EnqueuedJob[]> {
  const accepted = await sendNotices(strapi, {
    deliveryKey: `marketplace.accepted:${event.task.id}`,
    userIds: [event.acceptedTutorId],
    message: {
      type: 'offer_accepted',
      title: `Your offer on ${quoted(event.task.title)} was accepted`.slice(0, 200),
      body: 'You can now message the student.',
      link: linkOf(event.task),
    },
  });
  if (!event.declinedTutorIds.length) return [accepted];
  const declined = await sendNotices(strapi, {
    deliveryKey: `marketplace.declined:${event.task.id}`,
    userIds: event.declinedTutorIds,
    message: {
      type: 'offer_declined',
      title: `The task ${quoted(event.task.title)} went to another tutor`.slice(0, 200),
      link: linkOf(event.task),
    },
  });
  return [accepted, declined];
}

/** A completion, told to the tutor (who may now be reviewed by the student). */
export async function announceCompletion(
  strapi: Core.Strapi,
  event: { task: TaskFacts; tutorId: number }
): Promise<EnqueuedJob> {
  return sendNotices(strapi, {
    deliveryKey: `marketplace.completed:${event.task.id}`,
    userIds: [event.tutorId],
    message: {
      type: 'task_completed',
      title: `The student marked ${quoted(event.task.title)} completed`.slice(0, 200),
      link: linkOf(event.task),
    },
  });
}
