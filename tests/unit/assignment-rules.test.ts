import { csvField, toCsv, UTF8_BOM } from '../../src/plugins/grading/server/src/rules/csv';
import {
  assignmentScore,
  gradebookRows,
  gradebookTable,
  itemWeight,
  pickQuizScore,
  weightedTotals,
  type GradebookItem,
} from '../../src/plugins/grading/server/src/rules/gradebook';
import {
  fileProblem,
  matchesAllowedType,
  mimeOf,
  normaliseAllowedTypes,
} from '../../src/plugins/grading/server/src/rules/submission-files';
import {
  decideSubmission,
  gradeAfterPenalty,
  gradeProblem,
  type ActiveSubmission,
  type LatePolicy,
} from '../../src/plugins/grading/server/src/rules/submission-rules';

const NOW = new Date('2026-03-10T12:00:00Z');
const BEFORE = new Date('2026-03-10T11:00:00Z');
const AFTER = new Date('2026-03-10T13:00:00Z');

describe('decideSubmission', () => {
  const policy = (overrides: Partial<LatePolicy> = {}): LatePolicy => ({
    dueAt: AFTER,
    allowLate: true,
    latePenaltyPercent: 10,
    ...overrides,
  });
  const active = (overrides: Partial<ActiveSubmission> = {}): ActiveSubmission => ({
    status: 'submitted',
    attempt: 1,
    isLate: false,
    ...overrides,
  });

  test.each([
    ['first, on time', policy(), null, { allowed: true, attempt: 1, isLate: false, latePenaltyPercent: 0 }],
    [
      'first, no due date',
      policy({ dueAt: null, allowLate: false }),
      null,
      { allowed: true, attempt: 1, isLate: false, latePenaltyPercent: 0 },
    ],
    [
      'first, exactly at the due time',
      policy({ dueAt: NOW, allowLate: false }),
      null,
      { allowed: true, attempt: 1, isLate: false, latePenaltyPercent: 0 },
    ],
    [
      'first, late and allowed',
      policy({ dueAt: BEFORE }),
      null,
      { allowed: true, attempt: 1, isLate: true, latePenaltyPercent: 10 },
    ],
    [
      'first, late and refused',
      policy({ dueAt: BEFORE, allowLate: false }),
      null,
      { allowed: false, reason: 'past_due' },
    ],
    ['replacing ungraded work', policy(), active({ attempt: 3 }), { allowed: true, attempt: 4, isLate: false }],
    [
      'replacing ungraded work late',
      policy({ dueAt: BEFORE, latePenaltyPercent: 25 }),
      active(),
      { allowed: true, attempt: 2, isLate: true, latePenaltyPercent: 25 },
    ],
    [
      'replacing ungraded work late, refused',
      policy({ dueAt: BEFORE, allowLate: false }),
      active(),
      { allowed: false, reason: 'past_due' },
    ],
    ['graded work is final', policy(), active({ status: 'graded' }), { allowed: false, reason: 'already_graded' }],
    [
      'returned work may be revised',
      policy(),
      active({ status: 'returned' }),
      { allowed: true, attempt: 2, isLate: false },
    ],
    [
      'returned work after the due date follows the late policy',
      policy({ dueAt: BEFORE, allowLate: false }),
      active({ status: 'returned' }),
      { allowed: false, reason: 'past_due' },
    ],
    [
      'a requested resubmission ignores the due date',
      policy({ dueAt: BEFORE, allowLate: false }),
      active({ status: 'resubmit_requested' }),
      { allowed: true, attempt: 2, isLate: false, latePenaltyPercent: 0 },
    ],
    [
      'a requested resubmission keeps the lateness it replaces',
      policy({ dueAt: BEFORE }),
      active({ status: 'resubmit_requested', isLate: true }),
      { allowed: true, isLate: true, latePenaltyPercent: 10 },
    ],
  ] as const)('%s', (_name, latePolicy, existing, expected) => {
    expect(decideSubmission(latePolicy, existing, NOW)).toMatchObject(expected);
  });

  test('a penalty outside 0..100 is clamped', () => {
    expect(decideSubmission(policy({ dueAt: BEFORE, latePenaltyPercent: 150 }), null, NOW)).toMatchObject({
      latePenaltyPercent: 100,
    });
    expect(decideSubmission(policy({ dueAt: BEFORE, latePenaltyPercent: -5 }), null, NOW)).toMatchObject({
      latePenaltyPercent: 0,
    });
  });
});

describe('grades', () => {
  test.each([
    [10, 0, 10],
    [10, 20, 8],
    [9, 20, 7.2],
    [7, 33, 4.69],
    [10, 100, 0],
    [0.1 + 0.2, 0, 0.3],
  ])('%p points with a %p%% penalty count %p', (grade, penalty, expected) => {
    expect(gradeAfterPenalty(grade, penalty)).toBe(expected);
  });

  test.each([
    [10, 'graded', 10, null],
    [0, 'graded', 10, null],
    [10.5, 'graded', 10, 'grade'],
    [11, 'graded', 10, 'grade'],
    [-1, 'graded', 10, 'grade'],
    [Number.NaN, 'graded', 10, 'grade'],
    [null, 'graded', 10, 'grade'],
    [null, 'returned', 10, null],
    [null, 'resubmit_requested', 10, null],
    [11, 'returned', 10, 'grade'],
  ] as const)('grade %p as %s of %p: problem with %p', (grade, status, maxPoints, field) => {
    expect(gradeProblem(grade, status, maxPoints)?.field ?? null).toBe(field);
  });
});

describe('submission files', () => {
  const rules = { allowedFileTypes: ['.pdf', 'docx', 'image/*'], maxFileSizeMb: 2 };
  const file = (name: string, size = 100, declaredMime: string | null = null) => ({ name, size, declaredMime });

  test.each([
    ['essay.pdf', null],
    ['ESSAY.PDF', null],
    ['essay.docx', null],
    ['photo.JPG', null],
    ['diagram.png', null],
    ['notes.txt', 'not one of the accepted types'],
    ['essay.pdf.exe', 'not one of the accepted types'],
    ['essay', 'not one of the accepted types'],
  ])('%s: %p', (name, problem) => {
    const found = fileProblem(file(name), rules);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  test('size: up to the limit passes, one byte over and empty files do not', () => {
    expect(fileProblem(file('a.pdf', 2 * 1024 * 1024), rules)).toBeNull();
    expect(fileProblem(file('a.pdf', 2 * 1024 * 1024 + 1), rules)).toContain('larger than 2 MB');
    expect(fileProblem(file('a.pdf', 0), rules)).toContain('empty');
  });

  test('the extension decides the type; the declared one only counts for unknown extensions', () => {
    expect(mimeOf(file('a.pdf', 1, 'text/html'))).toBe('application/pdf');
    expect(mimeOf(file('a.unknownext', 1, 'application/pdf; charset=binary'))).toBe('application/pdf');
    expect(mimeOf(file('a', 1, 'application/octet-stream'))).toBeNull();
    expect(matchesAllowedType(file('a.exe', 1, 'application/pdf'), ['application/pdf'])).toBe(false);
  });

  test("the site's upload lists apply on top of the assignment's", () => {
    const site = {
      allowedFileTypes: null,
      maxFileSizeMb: 5,
      uploadAllowedTypes: ['image/*', 'application/pdf'],
      uploadDeniedTypes: ['image/svg+xml'],
    };
    expect(fileProblem(file('a.pdf'), site)).toBeNull();
    expect(fileProblem(file('a.svg'), site)).toContain('does not accept');
    expect(fileProblem(file('a.zip'), site)).toContain('does not accept');
    expect(fileProblem(file('a.png', 1, 'image/svg+xml'), site)).toContain('does not accept');
    expect(fileProblem(file('any.bin'), { allowedFileTypes: [], maxFileSizeMb: 1 })).toBeNull();
  });

  test('names with path separators or NUL are refused', () => {
    expect(fileProblem(file('../a.pdf'), rules)).toContain('plain name');
    expect(fileProblem(file('a\0.pdf'), rules)).toContain('plain name');
  });

  test.each([
    [
      ['.pdf', ' docx ', '', 3],
      ['.pdf', 'docx'],
    ],
    ['.pdf, .docx', ['.pdf', '.docx']],
    [null, []],
    [{ pdf: true }, []],
  ])('allowedFileTypes %p reads as %p', (stored, expected) => {
    expect(normaliseAllowedTypes(stored)).toEqual(expected);
  });
});

describe('quiz scores and totals', () => {
  const attempts = [
    { attemptNumber: 2, score: 3, maxScore: 4, percent: 75 },
    { attemptNumber: 1, score: 2, maxScore: 4, percent: 50 },
    { attemptNumber: 3, score: 1, maxScore: 4, percent: 25 },
  ];

  test('best takes the highest percentage, last the latest attempt', () => {
    expect(pickQuizScore(attempts, 'best')).toEqual({ score: 3, maxPoints: 4, percent: 75 });
    expect(pickQuizScore(attempts, 'last')).toEqual({ score: 1, maxPoints: 4, percent: 25 });
    expect(pickQuizScore([], 'best')).toBeNull();
  });

  test('on a tie, best keeps the earlier attempt', () => {
    const tie = [
      { attemptNumber: 2, score: 2, maxScore: 4, percent: 50 },
      { attemptNumber: 1, score: 1, maxScore: 2, percent: 50 },
    ];
    expect(pickQuizScore(tie, 'best')).toEqual({ score: 1, maxPoints: 2, percent: 50 });
  });

  test('an assignment grade as a percentage of its points', () => {
    expect(assignmentScore(7.2, 10)).toEqual({ score: 7.2, maxPoints: 10, percent: 72 });
    expect(assignmentScore(null, 10)).toBeNull();
    expect(assignmentScore(0, 0)).toEqual({ score: 0, maxPoints: 0, percent: 0 });
  });

  test.each([
    [
      'equal weights',
      [
        { weight: 1, percent: 100 },
        { weight: 1, percent: 50 },
      ],
      { totalPercent: 75, gradedPercent: 75 },
    ],
    [
      'weighted',
      [
        { weight: 3, percent: 100 },
        { weight: 1, percent: 0 },
      ],
      { totalPercent: 75, gradedPercent: 75 },
    ],
    [
      'missing counts as zero in the total only',
      [
        { weight: 1, percent: 80 },
        { weight: 1, percent: null },
      ],
      { totalPercent: 40, gradedPercent: 80 },
    ],
    [
      'weight 0 does not count',
      [
        { weight: 0, percent: 0 },
        { weight: 2, percent: 90 },
      ],
      { totalPercent: 90, gradedPercent: 90 },
    ],
    ['nothing graded', [{ weight: 1, percent: null }], { totalPercent: 0, gradedPercent: null }],
    ['no items', [], { totalPercent: null, gradedPercent: null }],
    [
      'thirds round to two places',
      [
        { weight: 1, percent: 100 },
        { weight: 1, percent: 0 },
        { weight: 1, percent: 0 },
      ],
      { totalPercent: 33.33, gradedPercent: 33.33 },
    ],
  ])('%s', (_name, cells, expected) => {
    expect(weightedTotals(cells)).toEqual(expected);
  });

  test.each([
    [null, 1],
    [undefined, 1],
    ['', 1],
    ['2.5', 2.5],
    [0, 0],
    [-1, 1],
    ['abc', 1],
  ])('a stored weight %p counts as %p', (stored, expected) => {
    expect(itemWeight(stored)).toBe(expected);
  });
});

describe('gradebook table and CSV', () => {
  const items: GradebookItem[] = [
    { id: 'quiz:q1', kind: 'quiz', documentId: 'q1', title: 'Quiz, part "1"', maxPoints: 4, weight: 1 },
    { id: 'assignment:a1', kind: 'assignment', documentId: 'a1', title: 'Эссе', maxPoints: 10, weight: 2 },
  ];
  const students = [
    { id: 1, username: 'anna', fullName: 'Анна Каренина', email: 'anna@example.test' },
    { id: 2, username: 'evil', fullName: '=HYPERLINK("http://x")', email: 'evil@example.test' },
  ];

  test('rows hold a cell per item in order and the weighted totals', () => {
    const rows = gradebookRows(items, students, (studentId, item) =>
      studentId === 1
        ? item.kind === 'quiz'
          ? { score: 2, maxPoints: 4, percent: 50 }
          : { score: 8, maxPoints: 10, percent: 80 }
        : null
    );
    expect(rows[0]).toMatchObject({
      grades: [
        { item: 'quiz:q1', score: 2, percent: 50 },
        { item: 'assignment:a1', score: 8, percent: 80 },
      ],
      totalPercent: 70,
      gradedPercent: 70,
    });
    expect(rows[1]).toMatchObject({
      grades: [
        { score: null, maxPoints: 4, percent: null },
        { score: null, maxPoints: 10 },
      ],
      totalPercent: 0,
      gradedPercent: null,
    });

    const csv = toCsv(gradebookTable(items, rows));
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe(
      'Student,Username,Email,"Quiz, part ""1"" (quiz, 4 pts, weight 1)","Эссе (assignment, 10 pts, weight 2)",Total %,Graded %'
    );
    expect(lines[1]).toBe('Анна Каренина,anna,anna@example.test,2,8,70,70');
    expect(lines[2]).toBe(`"'=HYPERLINK(""http://x"")",evil,evil@example.test,,,0,`);
  });

  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['+1 formula', "'+1 formula"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['Ёлка', 'Ёлка'],
    [-2, '-2'],
    [7.25, '7.25'],
    [null, ''],
    [undefined, ''],
    [Number.NaN, ''],
  ])('csvField(%p) is %p', (value, expected) => {
    expect(csvField(value as any)).toBe(expected);
  });
});
