import type { RouteDescription } from '../route-description';
import {
  body,
  boolean,
  documentId,
  envelope,
  integer,
  listEnvelope,
  nullable,
  number,
  object,
  oneOf,
  string,
} from '../schema';
import { SUPPORTED_LOCALES } from '../../content/locales';

const outlineLesson = object(
  {
    documentId: documentId(),
    title: string(),
    position: integer(),
    kind: nullable(oneOf('text', 'video', 'file')),
    durationMinutes: nullable(integer()),
    freePreview: boolean(),
    completed: boolean(),
    locked: boolean(),
    lockedReason: oneOf('not_enrolled', 'lesson_locked', 'not_released', 'access_expired'),
  },
  ['kind', 'durationMinutes', 'lockedReason']
);

export const progressRoutes: RouteDescription[] = [
  {
    method: 'POST',
    path: '/lessons/:documentId/complete',
    tag: 'Progress',
    audience: 'student',
    summary: 'Mark a lesson complete (idempotent)',
    requestBody: body({}),
    status: 200,
    response: envelope(
      object({ completedLessons: integer(), totalLessons: integer(), percent: number(), courseCompleted: boolean() })
    ),
    refusals: [{ status: 403, reasons: ['not_enrolled', 'lesson_locked', 'not_released', 'access_expired'] }],
  },
  {
    method: 'PUT',
    path: '/lessons/:documentId/position',
    tag: 'Progress',
    audience: 'student',
    summary: 'Remember where the student stopped in a lesson',
    requestBody: body({ positionSeconds: integer({ minimum: 0, maximum: 604800 }) }),
    status: 200,
    response: envelope(object({ lessonDocumentId: documentId(), positionSeconds: integer() })),
    refusals: [{ status: 403, reasons: ['not_enrolled', 'lesson_locked', 'not_released', 'access_expired'] }],
  },
  {
    method: 'GET',
    path: '/courses/:documentId/outline',
    tag: 'Progress',
    audience: 'public',
    summary: 'Lessons in order, with completed and locked for the caller',
    query: { locale: oneOf(...SUPPORTED_LOCALES) },
    status: 200,
    response: listEnvelope(outlineLesson),
  },
];
