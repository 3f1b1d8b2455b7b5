import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { conflict } from '../errors/refusal';
import { findJob, JOB_STATUSES, listJobs, reviveDeadJob, type JobRecord, type JobStatus } from './outbox';
import { wakeJobs } from '.';

/** What admins see of the outbox and do with it (GET /api/jobs, POST /api/jobs/:id/retry). */

/** A `status` query value: one of the statuses, or none for all; anything else a 400. */
export function jobStatusParam(value: unknown): JobStatus | null {
  if (value === undefined || value === '') return null;
  if (typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value)) return value as JobStatus;
  const message = `status must be one of ${JOB_STATUSES.join(', ')}`;
  throw new errors.ValidationError(message, { errors: [{ path: ['status'], message, name: 'ValidationError' }] });
}

export async function jobsPage(
  strapi: Core.Strapi,
  filter: { status: JobStatus | null; page: number; pageSize: number }
): Promise<{ data: JobRecord[]; total: number }> {
  const { jobs, total } = await listJobs(strapi, filter);
  return { data: jobs, total };
}

/** A dead job back to pending, its attempts reset: 404 for an unknown id, 409 for a job that is not dead. */
export async function retryDeadJob(strapi: Core.Strapi, id: number, now: Date): Promise<JobRecord> {
  if (await reviveDeadJob(strapi, id, now.getTime())) {
    wakeJobs(strapi);
    const job = await findJob(strapi, id);
    if (job) return job;
  }
  const job = await findJob(strapi, id);
  if (!job) throw new errors.NotFoundError('No job has this id');
  throw conflict(`Only a dead job can be retried; this one is ${job.status}`, 'job_not_dead');
}
