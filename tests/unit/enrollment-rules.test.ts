import {
  accessExpiryAfterCompletion,
  decideEnrollment,
  effectiveStatus,
  type CourseTerms,
} from '../../src/plugins/enrollment/server/src/rules/enrollment-rules';
import { activityChange, completionChange } from '../../src/plugins/enrollment/server/src/rules/enrollment-changes';

const now = new Date('2026-06-01T12:00:00Z');
const course = (terms: Partial<CourseTerms> = {}): CourseTerms => ({
  documentId: 'course',
  isPublished: true,
  enrollmentOpensAt: null,
  enrollmentClosesAt: null,
  price: 0,
  capacity: null,
  accessDaysAfterCompletion: 30,
  prerequisiteDocumentIds: [],
  ...terms,
});
const request = (terms: Partial<CourseTerms> = {}, extra: Partial<Parameters<typeof decideEnrollment>[0]> = {}) => ({
  course: course(terms),
  now,
  completedCourseDocumentIds: new Set<string>(),
  hasPaidOrder: false,
  isPlacedByStaff: false,
  ...extra,
});

describe('decideEnrollment', () => {
  test.each([
    ['a free published course', request(), null],
    ['a draft course', request({ isPublished: false }), 'not_published'],
    [
      'a draft course, even placed by staff',
      request({ isPublished: false }, { isPlacedByStaff: true }),
      'not_published',
    ],
    ['before the window opens', request({ enrollmentOpensAt: new Date('2026-06-02T00:00:00Z') }), 'enrollment_closed'],
    ['after the window closes', request({ enrollmentClosesAt: new Date('2026-05-31T00:00:00Z') }), 'enrollment_closed'],
    [
      'inside the window',
      request({ enrollmentOpensAt: new Date('2026-05-01'), enrollmentClosesAt: new Date('2026-07-01') }),
      null,
    ],
    [
      'a closed window, placed by staff',
      request({ enrollmentClosesAt: new Date('2026-05-31') }, { isPlacedByStaff: true }),
      null,
    ],
    ['a missing prerequisite', request({ prerequisiteDocumentIds: ['basics'] }), 'prerequisites_missing'],
    [
      'a missing prerequisite, placed by staff',
      request({ prerequisiteDocumentIds: ['basics'] }, { isPlacedByStaff: true }),
      'prerequisites_missing',
    ],
    [
      'completed prerequisites',
      request(
        { prerequisiteDocumentIds: ['basics', 'more'] },
        { completedCourseDocumentIds: new Set(['basics', 'more']) }
      ),
      null,
    ],
    [
      'one of two prerequisites',
      request({ prerequisiteDocumentIds: ['basics', 'more'] }, { completedCourseDocumentIds: new Set(['basics']) }),
      'prerequisites_missing',
    ],
    ['a paid course without an order', request({ price: 10 }), 'payment_required'],
    ['a paid course with a paid order', request({ price: 10 }, { hasPaidOrder: true }), null],
    ['a paid course, placed by staff', request({ price: 10 }, { isPlacedByStaff: true }), null],
  ])('%s → %s', (_case, input, reason) => {
    const decision = decideEnrollment(input);
    expect(decision.allowed ? null : decision.reason).toBe(reason);
  });
});

describe('access after completion', () => {
  test('lasts accessDaysAfterCompletion days, 30 when unset', () => {
    expect(accessExpiryAfterCompletion(now, 10).toISOString()).toBe('2026-06-11T12:00:00.000Z');
    expect(accessExpiryAfterCompletion(now, null).toISOString()).toBe('2026-07-01T12:00:00.000Z');
    expect(accessExpiryAfterCompletion(now, 0).toISOString()).toBe(now.toISOString());
  });
  test.each([
    [{ status: 'completed' as const, accessExpiresAt: '2026-06-01T11:59:59Z' }, 'expired'],
    [{ status: 'completed' as const, accessExpiresAt: '2026-06-01T12:00:01Z' }, 'completed'],
    [{ status: 'active' as const, accessExpiresAt: null }, 'active'],
    [{ status: 'cancelled' as const, accessExpiresAt: '2026-01-01' }, 'cancelled'],
  ])('%j is %s now', (enrollment, status) => {
    expect(effectiveStatus(enrollment, now)).toBe(status);
  });
});

describe('what activity and completion change on an enrollment', () => {
  const recorded = {
    progressPercent: 40,
    lastActivityAt: new Date(now.getTime() - 30_000).toISOString(),
    lastLessonDocumentId: 'l1',
  };

  test('the same lesson and percent within a minute of the recorded activity writes nothing', () => {
    expect(activityChange({ lastLessonDocumentId: 'l1', progressPercent: 40, now }, recorded)).toBeNull();
  });

  test.each([
    ['another lesson', { lastLessonDocumentId: 'l2', now }],
    ['another percent', { progressPercent: 60, now }],
    ['a saved position', { lastPositionSeconds: 12, now }],
    ['a minute later', { lastLessonDocumentId: 'l1', now: new Date(now.getTime() + 60_000) }],
  ])('%s is written', (_name, { now: at, ...activity }) => {
    const change = activityChange({ ...activity, now: at }, recorded);
    expect(change?.set).toMatchObject({ ...activity, lastActivityAt: at, updatedAt: at });
    expect(change?.onlyWhere).toEqual({});
  });

  test('a completion moves only an active enrollment, to 100% with access for the course term', () => {
    const change = completionChange({ lastLessonDocumentId: 'l9', now }, 10);
    expect(change.onlyWhere).toEqual({ status: 'active' });
    expect(change.set).toMatchObject({
      status: 'completed',
      completedAt: now,
      progressPercent: 100,
      accessExpiresAt: accessExpiryAfterCompletion(now, 10),
      lastLessonDocumentId: 'l9',
    });
  });
});
