import { readFileSync } from 'fs';
import path from 'path';
import {
  fieldErrors,
  relationChange,
  requiredRelationErrors,
  REQUIRED_RELATIONS,
  type Attributes,
  type RelationChange,
} from '../../src/content/field-rules';

/** The real schemas, so a rule changed in a schema.json is a rule changed here. */
const schema = (file: string): Attributes =>
  JSON.parse(readFileSync(path.join(__dirname, '../../src', file), 'utf8')).attributes;
const COURSE = schema('api/course/content-types/course/schema.json');
const QUIZ = schema('api/quiz/content-types/quiz/schema.json');
const LESSON = schema('api/lesson/content-types/lesson/schema.json');
const ASSIGNMENT = schema('api/assignment/content-types/assignment/schema.json');
const COMPONENTS: Record<string, Attributes> = {
  'quiz.question': schema('components/quiz/question.json'),
  'quiz.option': schema('components/quiz/option.json'),
};
const components = (uid: string) => COMPONENTS[uid];
const paths = (attributes: Attributes, data: Record<string, unknown>, mode: 'create' | 'update' = 'create') =>
  fieldErrors(attributes, data, mode, components).map((error) => error.path.join('.'));

describe('course fields', () => {
  test.each([
    ['a negative price', { price: -1 }, ['price']],
    ['a price given as a negative numeric string', { price: '-0.5' }, ['price']],
    ['a capacity of 0', { capacity: 0 }, ['capacity']],
    ['a fractional capacity', { capacity: 1.5 }, ['capacity']],
    ['a negative accessDaysAfterCompletion', { accessDaysAfterCompletion: -1 }, ['accessDaysAfterCompletion']],
    ['a null title', { title: null }, ['title']],
    ['an empty title', { title: '' }, ['title']],
    ['a whitespace-only title', { title: '  \n\t ' }, ['title']],
    ['a 201-character title', { title: 'x'.repeat(201) }, ['title']],
    ['a 50,000-character title', { title: 'x'.repeat(50_000) }, ['title']],
    ['a numeric title', { title: 12345 }, ['title']],
    ['an object as title', { title: { en: 'x' } }, ['title']],
    ['a two-letter currency', { currency: 'US' }, ['currency']],
    ['an unknown level', { level: 'expert' }, ['level']],
    ['a text as price', { price: 'free' }, ['price']],
    ['a rating above 5', { ratingAverage: 6 }, ['ratingAverage']],
    ['a slug with spaces', { slug: 'a b' }, ['slug']],
    ['several faults at once', { title: '', price: -1, capacity: 0 }, ['title', 'price', 'capacity']],
  ])('refuses %s on update, naming the field', (_label, data, expected) => {
    expect(paths(COURSE, { ...data })).toEqual(expect.arrayContaining(expected));
    expect(paths(COURSE, { ...data }, 'update')).toEqual(expected);
  });

  test.each([
    ['a 1-character title', { title: 'x' }],
    ['a 200-character title', { title: 'x'.repeat(200) }],
    ['a free course', { title: 'Free', price: 0 }],
    ['no capacity (unlimited)', { title: 'Open', capacity: null }],
    ['a capacity of 1', { title: 'Small', capacity: 1 }],
    ['numbers as numeric strings', { title: 'Form', price: '12.50', capacity: '3' }],
    ['access that ends at completion', { title: 'Short', accessDaysAfterCompletion: 0 }],
  ])('accepts %s', (_label, data) => {
    expect(paths(COURSE, data)).toEqual([]);
  });

  test('a creation needs a title; an update that leaves it out keeps the stored one', () => {
    expect(paths(COURSE, { price: 10 })).toEqual(['title']);
    expect(paths(COURSE, { price: 10 }, 'update')).toEqual([]);
  });

  test('a required field with a default may be left out on creation (lesson position and kind)', () => {
    expect(paths(LESSON, { title: 'Intro' })).toEqual([]);
    expect(paths(LESSON, { title: 'Intro', position: -1, kind: 'audio' })).toEqual(['position', 'kind']);
    expect(paths(LESSON, { position: null }, 'update')).toEqual(['position']);
  });
});

describe('quiz fields and their questions', () => {
  test.each([
    ['passingPercent below 0', { passingPercent: -1 }, ['passingPercent']],
    ['passingPercent above 100', { passingPercent: 101 }, ['passingPercent']],
    ['maxAttempts of 0', { maxAttempts: 0 }, ['maxAttempts']],
    ['a zero time limit', { timeLimitSeconds: 0 }, ['timeLimitSeconds']],
    ['an unknown review policy', { reviewPolicy: 'always' }, ['reviewPolicy']],
    [
      'a question worth less than nothing',
      { questions: [{ type: 'single', prompt: 'Q', points: -1 }] },
      ['questions.0.points'],
    ],
    ['a question without a prompt', { questions: [{ type: 'single', prompt: ' ' }] }, ['questions.0.prompt']],
    [
      'an option without text',
      { questions: [{ type: 'single', prompt: 'Q', options: [{ text: 'A' }, { correct: true }] }] },
      ['questions.0.options.1.text'],
    ],
    ['questions that are not a list', { questions: 'all of them' }, ['questions']],
    ['a question that is not an object', { questions: [42] }, ['questions.0']],
  ])('refuses %s', (_label, data, expected) => {
    expect(paths(QUIZ, { title: 'Quiz', ...data })).toEqual(expected);
  });

  test('accepts the bounds: 0 and 100 percent, one attempt, unlimited attempts', () => {
    expect(paths(QUIZ, { title: 'Quiz', passingPercent: 0, maxAttempts: 1 })).toEqual([]);
    expect(paths(QUIZ, { title: 'Quiz', passingPercent: 100, maxAttempts: null })).toEqual([]);
  });

  test('a stored question (with its id) is updated in place: what it leaves out it keeps', () => {
    expect(paths(QUIZ, { questions: [{ id: 3, points: 2 }] }, 'update')).toEqual([]);
    expect(paths(QUIZ, { questions: [{ points: 2 }] }, 'update')).toEqual(['questions.0.prompt']);
  });

  test('assignment points and penalties', () => {
    expect(paths(ASSIGNMENT, { title: 'Essay', maxPoints: -1, latePenaltyPercent: 101, maxFileSizeMb: 0 })).toEqual([
      'maxPoints',
      'latePenaltyPercent',
      'maxFileSizeMb',
    ]);
    expect(paths(ASSIGNMENT, { title: 'Essay', maxPoints: null }, 'update')).toEqual(['maxPoints']);
  });

  test('each error is a ValidationError with a message that names the field', () => {
    const [error] = fieldErrors(COURSE, { price: -3 }, 'update', components);
    expect(error).toEqual({ path: ['price'], message: 'price must be at least 0', name: 'ValidationError' });
  });
});

describe('relation values', () => {
  test.each<[string, RelationChange, unknown, boolean]>([
    ['absent', 'untouched', undefined, true],
    ['null', 'cleared', null, true],
    ['an empty list', 'cleared', [], true],
    ['a documentId', 'set', 'abc123', true],
    ['an id', 'set', 7, true],
    ['{ documentId }', 'set', { documentId: 'abc123' }, true],
    ['a list of one', 'set', ['abc123'], true],
    ['{ set: [] }', 'cleared', { set: [] }, true],
    ['{ set: [x] }', 'set', { set: [{ documentId: 'abc123' }] }, true],
    ['{ connect: [x] }', 'set', { connect: [{ id: 4, documentId: 'abc123', position: { end: true } }] }, true],
    ["the admin panel's untouched relation", 'untouched', { connect: [], disconnect: [] }, true],
    ["the admin panel's removal from a to-one relation", 'cleared', { connect: [], disconnect: [{ id: 4 }] }, true],
    ['a removal from a to-many relation', 'untouched', { disconnect: [{ id: 4 }] }, false],
    ['a replacement in the admin panel', 'set', { connect: [{ id: 5 }], disconnect: [{ id: 4 }] }, true],
  ])('%s is read as %s', (_label, expected, value, isToOne) => {
    expect(relationChange(value, isToOne)).toBe(expected);
  });
});

describe('required relations', () => {
  const lesson = REQUIRED_RELATIONS['api::lesson.lesson'];
  const quiz = REQUIRED_RELATIONS['api::quiz.quiz'];
  const nothingStored = async () => {
    throw new Error('the stored row should not be read');
  };

  test('a lesson is created with its course, never without', async () => {
    await expect(requiredRelationErrors(lesson, { course: 'set' }, 'create', nothingStored)).resolves.toEqual([]);
    for (const change of ['cleared', 'untouched'] as const) {
      const errors = await requiredRelationErrors(lesson, { course: change }, 'create', nothingStored);
      expect(errors.map((error) => error.path)).toEqual([['course']]);
    }
  });

  test('a quiz needs its lesson or its course, either one', async () => {
    await expect(
      requiredRelationErrors(quiz, { lesson: 'set', course: 'untouched' }, 'create', nothingStored)
    ).resolves.toEqual([]);
    await expect(
      requiredRelationErrors(quiz, { lesson: 'cleared', course: 'set' }, 'create', nothingStored)
    ).resolves.toEqual([]);
    const errors = await requiredRelationErrors(
      quiz,
      { lesson: 'cleared', course: 'cleared' },
      'create',
      nothingStored
    );
    expect(errors.map((error) => error.path)).toEqual([['lesson'], ['course']]);
  });

  test('an update is judged on the merged result: what it leaves untouched is read from the stored row', async () => {
    const stored = (values: Record<string, boolean> | null) => async () => values;
    // Untouched and stored: fine. Cleared: refused, without reading anything.
    await expect(
      requiredRelationErrors(lesson, { course: 'untouched' }, 'update', stored({ course: true }))
    ).resolves.toEqual([]);
    await expect(requiredRelationErrors(lesson, { course: 'cleared' }, 'update', nothingStored)).resolves.toHaveLength(
      1
    );
    // A stored lesson of no course (made before this rule) must be given one by its next write.
    await expect(
      requiredRelationErrors(lesson, { course: 'untouched' }, 'update', stored({ course: false }))
    ).resolves.toHaveLength(1);
    // Nothing stored to fall back on.
    await expect(requiredRelationErrors(lesson, { course: 'untouched' }, 'update', stored(null))).resolves.toHaveLength(
      1
    );
    // A quiz may drop its lesson while it keeps its course.
    await expect(
      requiredRelationErrors(quiz, { lesson: 'cleared', course: 'untouched' }, 'update', stored({ course: true }))
    ).resolves.toEqual([]);
    await expect(
      requiredRelationErrors(quiz, { lesson: 'cleared', course: 'untouched' }, 'update', stored({ course: false }))
    ).resolves.toHaveLength(2);
  });
});
