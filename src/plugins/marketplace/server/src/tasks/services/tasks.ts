import type { Core } from '@strapi/strapi';
import type { Caller } from '../../../../../../access/roles';
import { conflict, forbidden, invalidField, notFound } from '../../../../../../errors/refusal';
import { isUniqueViolation } from '../../../../../../errors/unique-violation';
import { deliverUnlessInTransaction } from '../../../../../../notifications/notice-job';
import type { EnqueuedJob } from '../../../../../../jobs';
import { priceToMinor, toMajorNumber } from '../../../../../commerce/server/src/facade';
import { TAG, TUTOR_PROFILE, TUTOR_SUBJECT, USER } from '../../queries/marketplace-tables';
import { announceAccept, announceCompletion, announceOffer } from '../notices';
import { offerPriceMinor, type OfferInput, type TaskInput } from '../rules/task-input';
import { isTaskAuthor, mayPostTasks, mayReadTask, TRANSITIONS } from '../rules/task-rules';
import {
  OFFER_SELECT,
  TASK,
  TASK_OFFER,
  TASK_SELECT,
  type OfferRecord,
  type TaskRecord,
  type TaskStatus,
} from '../task-tables';

const PERSON_FIELDS = ['id', 'username', 'fullName'];

export interface Person {
  id: number;
  username: string;
  fullName: string | null;
}

export interface Page {
  page: number;
  pageSize: number;
}

/** Money as the API answers it: a number of major units (contract "Commerce"), exact from the stored decimal. */
const money = (value: unknown, currency: string | null): number | null =>
  value === null || value === undefined || !currency ? null : toMajorNumber(priceToMinor(value, currency), currency);

const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();

/** Never the email: people by id, username and name only. */
async function peopleById(strapi: Core.Strapi, ids: Array<number | null>): Promise<Map<number, Person>> {
  const unique = [...new Set(ids.filter((id): id is number => typeof id === 'number'))];
  if (!unique.length) return new Map();
  const rows: Person[] = await strapi.db
    .query(USER)
    .findMany({ where: { id: { $in: unique } }, select: PERSON_FIELDS });
  return new Map(rows.map((row) => [row.id, { id: row.id, username: row.username, fullName: row.fullName ?? null }]));
}

async function tagsByDocumentId(strapi: Core.Strapi, documentIds: string[]) {
  const unique = [...new Set(documentIds)];
  if (!unique.length) return new Map<string, { documentId: string; name: string }>();
  const rows: Array<{ documentId: string; name: string }> = await strapi.db
    .query(TAG)
    .findMany({ where: { documentId: { $in: unique } }, select: ['documentId', 'name'] });
  return new Map(rows.map((row) => [row.documentId, { documentId: row.documentId, name: row.name }]));
}

export const presentOffer = (offer: OfferRecord, taskDocumentId: string, people: Map<number, Person>) => ({
  documentId: offer.documentId,
  task: { documentId: taskDocumentId },
  tutor: offer.tutorId === null ? null : (people.get(offer.tutorId) ?? null),
  message: offer.message,
  price: money(offer.price, offer.currency),
  currency: offer.currency,
  status: offer.status,
  decidedAt: iso(offer.decidedAt),
  createdAt: iso(offer.createdAt),
});

/**
 * Task requests and offers (contract "Tutor marketplace"): students post tasks, tutors (teachers with a tutor profile)
 * offer once each while a task is open, the author accepts one offer (the task is assigned, the other offers are
 * declined and their tutors told, the two become contacts for messages) and completes the task, which makes the
 * student a client of the tutor for reviews. Every transition is a conditional update of the task's row, so two
 * accepts (or an accept and a late offer) cannot both win.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async present(tasks: TaskRecord[], caller: Caller, options: { withOffers: boolean }) {
    const offers: OfferRecord[] =
      options.withOffers && tasks.length
        ? await strapi.db.query(TASK_OFFER).findMany({
            where: {
              taskId: { $in: tasks.map((task) => task.id) },
              // The author (and admins) see every offer on a task; a tutor sees their own.
              ...(caller.role === 'admin'
                ? {}
                : {
                    $or: [
                      { tutorId: caller.userId },
                      { taskId: { $in: tasks.filter((task) => isTaskAuthor(caller, task)).map((task) => task.id) } },
                    ],
                  }),
            },
            select: OFFER_SELECT,
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          })
        : [];
    const [people, tags] = await Promise.all([
      peopleById(strapi, [
        ...tasks.flatMap((task) => [task.authorId, task.assignedTutorId]),
        ...offers.map((offer) => offer.tutorId),
      ]),
      tagsByDocumentId(
        strapi,
        tasks.map((task) => task.subjectDocumentId)
      ),
    ]);
    return tasks.map((task) => ({
      documentId: task.documentId,
      title: task.title,
      description: task.description,
      subject: tags.get(task.subjectDocumentId) ?? { documentId: task.subjectDocumentId, name: null },
      budget: money(task.budget, task.currency),
      currency: task.currency,
      deadline: iso(task.deadline),
      language: task.language,
      status: task.status,
      offersCount: Number(task.offersCount ?? 0),
      author: task.authorId === null ? null : (people.get(task.authorId) ?? null),
      assignedTutor: task.assignedTutorId === null ? null : (people.get(task.assignedTutorId) ?? null),
      assignedAt: iso(task.assignedAt),
      completedAt: iso(task.completedAt),
      createdAt: iso(task.createdAt),
      ...(options.withOffers
        ? {
            offers: offers
              .filter((offer) => offer.taskId === task.id)
              .map((offer) => presentOffer(offer, task.documentId, people)),
          }
        : {}),
    }));
  },

  async presentOne(task: TaskRecord, caller: Caller) {
    return (await this.present([task], caller, { withOffers: true }))[0];
  },

  async findTask(documentId: string): Promise<TaskRecord | null> {
    return strapi.db.query(TASK).findOne({ where: { documentId }, select: TASK_SELECT });
  },

  /** The task as the caller may see it, or 404 (a task they may not read is one they cannot know exists). */
  async readableTask(caller: Caller, documentId: string): Promise<TaskRecord> {
    const task = await this.findTask(documentId);
    if (!task) throw notFound('Task not found');
    const hasOfferOnIt =
      caller.userId !== null &&
      (await strapi.db.query(TASK_OFFER).count({ where: { taskId: task.id, tutorId: caller.userId } })) > 0;
    if (!mayReadTask(caller, task, hasOfferOnIt)) throw notFound('Task not found');
    return task;
  },

  async tutorProfileOf(userId: number | null): Promise<{ id: number } | null> {
    if (userId === null) return null;
    return strapi.db.query(TUTOR_PROFILE).findOne({ where: { userId }, select: ['id'] });
  },

  /** POST /tasks: a student's request; the subject must be an existing tag. */
  async create(caller: Caller, input: TaskInput) {
    if (!mayPostTasks(caller)) throw forbidden('Only students post task requests', 'not_a_student');
    const tag = await strapi.db.query(TAG).findOne({ where: { documentId: input.subject }, select: ['id'] });
    if (!tag) throw invalidField('subject', 'subject must be the documentId of an existing tag');
    const author = await strapi.db
      .query(USER)
      .findOne({ where: { id: caller.userId }, select: ['id', 'preferredLocale'] });
    const created: TaskRecord = await strapi.db.query(TASK).create({
      data: {
        authorId: caller.userId,
        title: input.title,
        description: input.description,
        subjectDocumentId: input.subject,
        budget: input.budgetMinor === null ? null : toMajorNumber(input.budgetMinor, input.currency!),
        currency: input.currency,
        deadline: input.deadline,
        // Matching prefers tutors who speak the student's language: the one their account is set to.
        language: author?.preferredLocale ?? 'en',
        status: 'open',
        offersCount: 0,
      },
      select: TASK_SELECT,
    });
    return this.presentOne(created, caller);
  },

  /**
   * GET /tasks: the caller's own requests, newest first; with `open`, the open tasks in the subjects of the caller's
   * tutor profile (none without one), newest first.
   */
  async list(caller: Caller, options: Page & { open: boolean }) {
    let where: Record<string, unknown>;
    if (options.open) {
      const subjects: Array<{ tagDocumentId: string }> =
        caller.userId === null
          ? []
          : await strapi.db
              .query(TUTOR_SUBJECT)
              .findMany({ where: { userId: caller.userId }, select: ['tagDocumentId'] });
      if (!subjects.length) return { tasks: [], pagination: { ...options, pageCount: 0, total: 0 } };
      where = {
        status: 'open',
        subjectDocumentId: { $in: subjects.map((subject) => subject.tagDocumentId) },
        authorId: { $ne: caller.userId },
      };
    } else where = { authorId: caller.userId };
    const [rows, total] = await Promise.all([
      strapi.db.query(TASK).findMany({
        where,
        select: TASK_SELECT,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        offset: (options.page - 1) * options.pageSize,
        limit: options.pageSize,
      }),
      strapi.db.query(TASK).count({ where }),
    ]);
    return {
      tasks: await this.present(rows, caller, { withOffers: false }),
      pagination: {
        page: options.page,
        pageSize: options.pageSize,
        pageCount: Math.ceil(total / options.pageSize),
        total,
      },
    };
  },

  /** GET /tasks/:documentId */
  async show(caller: Caller, documentId: string) {
    return this.presentOne(await this.readableTask(caller, documentId), caller);
  },

  /**
   * POST /tasks/:documentId/offers: a tutor's one offer while the task is open. The offer and the task's offer count
   * are written in one transaction whose first statement is the conditional `offers_count + 1 where status = 'open'`:
   * it waits for an accept in flight on the same row and then finds the task assigned, so no offer stays pending on
   * an assigned task. The unique (task, tutor) index refuses a second offer, races included.
   */
  async offer(caller: Caller, documentId: string, input: OfferInput, now: Date) {
    const task = await this.readableTask(caller, documentId);
    if (isTaskAuthor(caller, task)) throw invalidField('task', 'You cannot make an offer on your own task');
    const profile: { id: number; currency: string | null } | null =
      caller.userId === null
        ? null
        : await strapi.db
            .query(TUTOR_PROFILE)
            .findOne({ where: { userId: caller.userId }, select: ['id', 'currency'] });
    if (!profile) throw forbidden('Only tutors with a tutor profile make offers', 'not_a_tutor');
    const currency = task.currency ?? profile.currency ?? 'USD';
    const priceMinor = offerPriceMinor(input.price, currency);
    if (task.status !== 'open') throw conflict('The task is no longer open for offers', 'task_not_open');
    let notice: EnqueuedJob | null = null;
    let created: OfferRecord;
    try {
      created = await strapi.db.transaction(async () => {
        const touched = await strapi.db.query(TASK).updateMany({
          where: { id: task.id, status: 'open' },
          data: { offersCount: Number(task.offersCount ?? 0) + 1 },
        });
        if (touched.count === 0) throw conflict('The task is no longer open for offers', 'task_not_open');
        const offer: OfferRecord = await strapi.db.query(TASK_OFFER).create({
          data: {
            taskId: task.id,
            tutorId: caller.userId,
            message: input.message,
            price: toMajorNumber(priceMinor, currency),
            currency,
            status: 'pending',
          },
          select: OFFER_SELECT,
        });
        await this.recountOffers(task.id);
        notice = await announceOffer(strapi, { offerId: offer.id, task, tutorId: caller.userId!, now });
        return offer;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('You have already made an offer on this task', 'already_offered');
      throw error;
    }
    await deliverUnlessInTransaction(strapi, notice);
    const people = await peopleById(strapi, [created.tutorId]);
    return presentOffer(created, task.documentId, people);
  },

  /** The task's offer count from its offers (inside the offer's transaction: the row is already locked by it). */
  async recountOffers(taskId: number) {
    const count = await strapi.db.query(TASK_OFFER).count({ where: { taskId } });
    await strapi.db.query(TASK).update({ where: { id: taskId }, data: { offersCount: count } });
  },

  /**
   * POST /offers/:documentId/accept: the task's author only. One conditional update assigns the task only while it is
   * open (`where status = 'open'`): of concurrent accepts exactly one changes the row, the others get 409
   * `task_not_open`. The same transaction accepts the offer, declines the others and records the notices.
   */
  async accept(caller: Caller, offerDocumentId: string, now: Date) {
    const offer: OfferRecord | null = await strapi.db
      .query(TASK_OFFER)
      .findOne({ where: { documentId: offerDocumentId }, select: OFFER_SELECT });
    if (!offer) throw notFound('Offer not found');
    const task: TaskRecord | null = await strapi.db
      .query(TASK)
      .findOne({ where: { id: offer.taskId }, select: TASK_SELECT });
    if (!task) throw notFound('Offer not found');
    if (!isTaskAuthor(caller, task)) {
      // Someone who cannot even read the task learns nothing of it.
      const mayRead = mayReadTask(caller, task, offer.tutorId === caller.userId);
      if (!mayRead) throw notFound('Offer not found');
      throw forbidden('Only the author of the task accepts an offer', 'not_task_author');
    }
    // An erased tutor's offer names nobody: there is no one to assign.
    if (offer.tutorId === null || offer.status !== 'pending')
      throw conflict('This offer can no longer be accepted', 'task_not_open');
    const tutorId = offer.tutorId;
    const jobs = await strapi.db.transaction(async () => {
      const assigned = await strapi.db.query(TASK).updateMany({
        where: { id: task.id, status: { $in: TRANSITIONS.accept.from } },
        data: { status: TRANSITIONS.accept.to, assignedTutorId: tutorId, acceptedOfferId: offer.id, assignedAt: now },
      });
      if (assigned.count === 0) throw conflict('The task is no longer open', 'task_not_open');
      await strapi.db.query(TASK_OFFER).update({
        where: { id: offer.id },
        data: { status: 'accepted', decidedAt: now },
      });
      const others: Array<{ id: number; tutorId: number | null }> = await strapi.db.query(TASK_OFFER).findMany({
        where: { taskId: task.id, status: 'pending', id: { $ne: offer.id } },
        select: ['id', 'tutorId'],
      });
      if (others.length)
        await strapi.db.query(TASK_OFFER).updateMany({
          where: { id: { $in: others.map((other) => other.id) }, status: 'pending' },
          data: { status: 'declined', decidedAt: now },
        });
      return announceAccept(strapi, {
        task,
        acceptedTutorId: tutorId,
        declinedTutorIds: others.map((other) => other.tutorId).filter((id): id is number => id !== null),
      });
    });
    for (const job of jobs) await deliverUnlessInTransaction(strapi, job);
    return this.presentOne((await this.findTask(task.documentId))!, caller);
  },

  /** POST /tasks/:documentId/complete: the author, only while the task is assigned. */
  async complete(caller: Caller, documentId: string, now: Date) {
    const task = await this.readableTask(caller, documentId);
    if (!isTaskAuthor(caller, task)) throw forbidden('Only the author of the task completes it', 'not_task_author');
    const job = await strapi.db.transaction(async () => {
      const completed = await strapi.db.query(TASK).updateMany({
        where: { id: task.id, status: { $in: TRANSITIONS.complete.from } },
        data: { status: TRANSITIONS.complete.to, completedAt: now },
      });
      if (completed.count === 0) throw conflict('Only an assigned task can be completed', 'task_not_assigned');
      return task.assignedTutorId === null ? null : announceCompletion(strapi, { task, tutorId: task.assignedTutorId });
    });
    await deliverUnlessInTransaction(strapi, job);
    return this.presentOne((await this.findTask(documentId))!, caller);
  },

  /** POST /tasks/:documentId/cancel: the author, while open or assigned; pending offers are declined. */
  async cancel(caller: Caller, documentId: string, now: Date) {
    const task = await this.readableTask(caller, documentId);
    if (!isTaskAuthor(caller, task)) throw forbidden('Only the author of the task cancels it', 'not_task_author');
    await strapi.db.transaction(async () => {
      const cancelled = await strapi.db.query(TASK).updateMany({
        where: { id: task.id, status: { $in: TRANSITIONS.cancel.from } },
        data: { status: TRANSITIONS.cancel.to },
      });
      if (cancelled.count === 0) throw conflict('A completed or cancelled task cannot be cancelled', 'task_closed');
      await strapi.db.query(TASK_OFFER).updateMany({
        where: { taskId: task.id, status: 'pending' },
        data: { status: 'declined', decidedAt: now },
      });
    });
    return this.presentOne((await this.findTask(documentId))!, caller);
  },

  /** Whether an accepted offer joined the two (either way round): the marketplace's answer to messaging. */
  async areJoinedByAcceptedOffer(userId: number, otherUserId: number): Promise<boolean> {
    const count = await strapi.db.query(TASK).count({
      where: {
        $or: [
          { authorId: userId, assignedTutorId: otherUserId },
          { authorId: otherUserId, assignedTutorId: userId },
        ],
      },
    });
    return count > 0;
  },

  /** Whether the student completed a task with the tutor (reviews' "verified client"). */
  async hasCompletedTaskWith(tutorId: number, studentId: number): Promise<boolean> {
    const status: TaskStatus = 'completed';
    return (
      (await strapi.db.query(TASK).count({ where: { authorId: studentId, assignedTutorId: tutorId, status } })) > 0
    );
  },
});
