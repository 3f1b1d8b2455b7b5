import type { Caller } from '../../../../../../access/roles';
import type { TaskStatus } from '../task-tables';

/**
 * Who may do what with a task request (contract "Tutor marketplace", issue 26 item 3). Pure: the services pass the
 * facts; the transitions themselves are settled by conditional updates (`where status = 'open'`), so these checks
 * only choose the answer for the request that lost or never had a chance.
 *
 * open ──accept an offer──► assigned ──complete──► completed
 *   └──cancel──► cancelled ◄──cancel── (an assigned task may be cancelled too, never a completed one)
 */

/** Students post tasks; teachers are tutors and make offers; admins moderate but post nothing. */
export const mayPostTasks = (caller: Caller): boolean => caller.role === 'student';

/** Who may read a task: its author, admins, and tutors (teachers: tasks are public to them, never the author's email). */
export function mayReadTask(caller: Caller, task: { authorId: number | null }, hasOfferOnIt: boolean): boolean {
  if (caller.userId === null) return false;
  if (caller.role === 'admin' || caller.role === 'teacher') return true;
  return task.authorId === caller.userId || hasOfferOnIt;
}

export const isTaskAuthor = (caller: Caller, task: { authorId: number | null }): boolean =>
  caller.userId !== null && task.authorId === caller.userId;

/** The states a task can leave by each transition (the conditional update's `where status in …`). */
export const TRANSITIONS: Record<'accept' | 'complete' | 'cancel', { from: TaskStatus[]; to: TaskStatus }> = {
  accept: { from: ['open'], to: 'assigned' },
  complete: { from: ['assigned'], to: 'completed' },
  cancel: { from: ['open', 'assigned'], to: 'cancelled' },
};
