import type { Core } from '@strapi/strapi';
import { tableOf } from '../../../../../database/tables';

export const TASK = 'plugin::marketplace.task';
export const TASK_OFFER = 'plugin::marketplace.task-offer';

/**
 * Task requests and offers (contract "Tutor marketplace"). Like the tutor tables, they name people by integer user ids
 * (`author_id`, `tutor_id`, `assigned_tutor_id`) rather than link tables, so the conditional accept and the matching
 * statement touch one table each; the privacy module asks this plugin for them (personal-data.ts).
 */
export function taskTables(strapi: Core.Strapi) {
  return { tasks: tableOf(strapi, TASK), offers: tableOf(strapi, TASK_OFFER) };
}

export type TaskStatus = 'open' | 'assigned' | 'completed' | 'cancelled';
export type OfferStatus = 'pending' | 'accepted' | 'declined';

/** A task as the services read it (the query engine's attribute names). */
export interface TaskRecord {
  id: number;
  documentId: string;
  authorId: number | null;
  title: string;
  description: string;
  subjectDocumentId: string;
  budget: number | string | null;
  currency: string | null;
  deadline: string | Date | null;
  language: string | null;
  status: TaskStatus;
  offersCount: number | null;
  assignedTutorId: number | null;
  acceptedOfferId: number | null;
  assignedAt: string | Date | null;
  completedAt: string | Date | null;
  createdAt: string | Date;
}

export interface OfferRecord {
  id: number;
  documentId: string;
  taskId: number;
  tutorId: number | null;
  message: string;
  price: number | string;
  currency: string | null;
  status: OfferStatus;
  decidedAt: string | Date | null;
  createdAt: string | Date;
}

export const TASK_SELECT = [
  'id',
  'documentId',
  'authorId',
  'title',
  'description',
  'subjectDocumentId',
  'budget',
  'currency',
  'deadline',
  'language',
  'status',
  'offersCount',
  'assignedTutorId',
  'acceptedOfferId',
  'assignedAt',
  'completedAt',
  'createdAt',
];

export const OFFER_SELECT = [
  'id',
  'documentId',
  'taskId',
  'tutorId',
  'message',
  'price',
  'currency',
  'status',
  'decidedAt',
  'createdAt',
];
