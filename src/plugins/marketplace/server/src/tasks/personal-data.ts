import type { Core } from '@strapi/strapi';
import { TASK, TASK_OFFER } from './task-tables';

/**
 * A user's tasks and offers for privacy (src/privacy, contract "Trust and privacy"). The task tables name users by
 * integer columns, so the privacy module's discovery by relation does not see them: it asks here.
 */
type Row = Record<string, unknown>;

export interface TaskPersonalData {
  /** `task.json` (the tasks they posted), `task-offer.json` (the offers they made). */
  documents: Record<string, unknown>;
}

export async function collectTaskData(strapi: Core.Strapi, userId: number): Promise<TaskPersonalData> {
  const tasks: Row[] = await strapi.db.query(TASK).findMany({ where: { authorId: userId }, orderBy: { id: 'asc' } });
  const offers: Row[] = await strapi.db
    .query(TASK_OFFER)
    .findMany({ where: { tutorId: userId }, orderBy: { id: 'asc' } });
  return { documents: { 'task.json': tasks, 'task-offer.json': offers } };
}

/**
 * The task part of a user's erasure, in the erasure's transaction: the tasks they posted go with every offer made on
 * them (their text describes the student's needs); the offers they made are deleted, and each task that still counted
 * one counts it no more; a task assigned to them keeps its status but names no tutor.
 */
export async function eraseTaskDataOf(strapi: Core.Strapi, userId: number): Promise<void> {
  const own: Array<{ id: number }> = await strapi.db
    .query(TASK)
    .findMany({ where: { authorId: userId }, select: ['id'] });
  const ownIds = own.map((task) => task.id);
  if (ownIds.length) {
    await strapi.db.query(TASK_OFFER).deleteMany({ where: { taskId: { $in: ownIds } } });
    await strapi.db.query(TASK).deleteMany({ where: { id: { $in: ownIds } } });
  }
  const offered: Array<{ taskId: number }> = await strapi.db
    .query(TASK_OFFER)
    .findMany({ where: { tutorId: userId }, select: ['taskId'] });
  await strapi.db.query(TASK_OFFER).deleteMany({ where: { tutorId: userId } });
  for (const taskId of new Set(offered.map((offer) => offer.taskId))) {
    const count = await strapi.db.query(TASK_OFFER).count({ where: { taskId } });
    await strapi.db.query(TASK).update({ where: { id: taskId }, data: { offersCount: count } });
  }
  await strapi.db
    .query(TASK)
    .updateMany({ where: { assignedTutorId: userId }, data: { assignedTutorId: null, acceptedOfferId: null } });
}
