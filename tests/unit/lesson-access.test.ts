import {
  courseProgress,
  decideLessonAccess,
  releaseDate,
  type Learner,
  type OutlineLesson,
} from '../../src/plugins/progress/server/src/rules/lesson-access';
import { lessonRefusal, lessonRefusalMessage } from '../../src/plugins/progress/server/src/rules/lesson-refusals';

const now = new Date('2026-06-10T00:00:00Z');
const lesson = (documentId: string, position: number, extra: Partial<OutlineLesson> = {}): OutlineLesson => ({
  documentId,
  position,
  freePreview: false,
  releaseAt: null,
  releaseAfterDays: null,
  ...extra,
});
const lessons = [lesson('a', 1, { freePreview: true }), lesson('b', 2), lesson('c', 3)];
const learner = (extra: Partial<Learner> = {}): Learner => ({
  managesCourse: false,
  enrollment: { status: 'active', enrolledAt: new Date('2026-06-01T00:00:00Z') },
  completedLessonIds: new Set(),
  ...extra,
});
const reasonOf = (target: OutlineLesson, sequential: boolean, who: Learner, list = lessons) => {
  const decision = decideLessonAccess(target, list, sequential, who, now);
  return decision.allowed ? null : decision.reason;
};

test.each([
  ['a free preview, to a visitor', lessons[0], false, learner({ enrollment: null }), null],
  ['a paid lesson, to a visitor', lessons[1], false, learner({ enrollment: null }), 'not_enrolled'],
  [
    'a paid lesson, after cancelling',
    lessons[1],
    false,
    learner({ enrollment: { status: 'cancelled', enrolledAt: null } }),
    'not_enrolled',
  ],
  [
    'a paid lesson, after access expired',
    lessons[1],
    false,
    learner({ enrollment: { status: 'expired', enrolledAt: null } }),
    'access_expired',
  ],
  [
    'a paid lesson, completed course with access left',
    lessons[1],
    false,
    learner({ enrollment: { status: 'completed', enrolledAt: null } }),
    null,
  ],
  ['the 2nd lesson of a sequential course, 1st not done', lessons[1], true, learner(), 'lesson_locked'],
  [
    'the 2nd lesson of a sequential course, 1st done',
    lessons[1],
    true,
    learner({ completedLessonIds: new Set(['a']) }),
    null,
  ],
  [
    'the 3rd lesson of a sequential course, only 1st done',
    lessons[2],
    true,
    learner({ completedLessonIds: new Set(['a']) }),
    'lesson_locked',
  ],
  ['the 3rd lesson of a free-order course', lessons[2], false, learner(), null],
  ['any lesson, to a course manager', lessons[2], true, learner({ managesCourse: true, enrollment: null }), null],
])('%s → %s', (_case, target, sequential, who, reason) => {
  expect(reasonOf(target, sequential, who)).toBe(reason);
});

describe('drip release', () => {
  test.each([
    ['a release date ahead', lesson('d', 4, { releaseAt: new Date('2026-06-11') }), 'not_released'],
    ['a release date passed', lesson('d', 4, { releaseAt: new Date('2026-06-09') }), null],
    ['10 days after an enrollment 9 days ago', lesson('d', 4, { releaseAfterDays: 10 }), 'not_released'],
    ['9 days after an enrollment 9 days ago', lesson('d', 4, { releaseAfterDays: 9 }), null],
    [
      'the later of a passed date and an unreached offset',
      lesson('d', 4, { releaseAt: new Date('2026-06-01'), releaseAfterDays: 10 }),
      'not_released',
    ],
  ])('%s → %s', (_case, target, reason) => {
    expect(reasonOf(target, false, learner(), [...lessons, target])).toBe(reason);
  });
  test('a drip date does not apply to a free preview', () => {
    expect(
      reasonOf(
        lesson('d', 4, { freePreview: true, releaseAt: new Date('2027-01-01') }),
        false,
        learner({ enrollment: null })
      )
    ).toBeNull();
  });
  test('releaseDate is the later of both rules', () => {
    expect(releaseDate(lesson('d', 1, { releaseAfterDays: 2 }), new Date('2026-06-01T00:00:00Z'))?.toISOString()).toBe(
      '2026-06-03T00:00:00.000Z'
    );
    expect(releaseDate(lesson('d', 1), new Date())).toBeNull();
  });
});

describe('courseProgress', () => {
  test.each([
    [[], 0, 0, { percent: 0, courseCompleted: false }],
    [['a'], 0, 0, { percent: 33, courseCompleted: false }],
    [['a', 'b', 'c'], 0, 0, { percent: 100, courseCompleted: true }],
    [['a', 'b', 'c'], 1, 0, { percent: 75, courseCompleted: false }],
    [['a', 'b', 'c'], 1, 1, { percent: 100, courseCompleted: true }],
    [['a', 'x'], 0, 0, { percent: 33, courseCompleted: false }],
  ])('completed %j with %d required quizzes, %d passed → %j', (done, required, passed, expected) => {
    expect(courseProgress(lessons, new Set(done), required, passed)).toMatchObject(expected);
  });
  test('a course of no lessons completes on its required quizzes alone', () => {
    expect(courseProgress([], new Set(), 1, 1)).toMatchObject({ percent: 100, courseCompleted: true });
  });
});

describe('lesson refusals', () => {
  test.each([
    ['not_enrolled', 'read', 'Enroll in the course to read this lesson'],
    ['not_enrolled', 'take_quiz', 'Enroll in the course to take its quizzes'],
    ['not_released', 'hand_in', 'The lesson of this assignment is not released yet'],
    ['lesson_locked', 'take_quiz', 'Complete the earlier lessons first'],
    ['access_expired', 'record', 'Your access to this course has ended'],
  ] as const)('%s while trying to %s says "%s"', (reason, action, message) => {
    expect(lessonRefusalMessage(reason, action)).toBe(message);
    const refusal = lessonRefusal(reason, action);
    expect([refusal.message, refusal.details]).toEqual([message, { reason }]);
  });
});
