import type { Core } from '@strapi/strapi';

/**
 * Content-manager layouts for quizzes: labels and hints that say what each field does, a question shown by its
 * prompt when collapsed (Strapi's default, the documentId, shows nothing), and the question's fields grouped
 * by kind. Applied once per LAYOUT_VERSION, not at every start: what an admin later changes under "Configure
 * the view" stays.
 */
export const QUIZ_LAYOUT_VERSION = 2;

type Field = { name: string; size: number };
interface Labels {
  [field: string]: { label: string; description?: string };
}
interface LayoutSpec {
  uid: string;
  kind: 'content-types' | 'components';
  mainField?: string;
  list?: string[];
  edit?: Field[][];
  labels: Labels;
}

export const QUIZ_LAYOUTS: LayoutSpec[] = [
  {
    uid: 'api::quiz.quiz',
    kind: 'content-types',
    list: ['id', 'title', 'lesson', 'course', 'isFinal', 'timeLimitSeconds'],
    labels: {
      title: { label: 'Title' },
      description: { label: 'Description', description: 'Shown to students before they start' },
      lesson: {
        label: 'Lesson',
        description: 'The lesson this quiz follows; leave it empty for a final test and pick the course',
      },
      course: { label: 'Course (final test)', description: 'Only for a final test of the whole course' },
      questions: { label: 'Questions' },
      draws: {
        label: 'Random draws',
        description:
          'Questions drawn from the course\'s question banks for each attempt, as JSON: [{ "bank": "<documentId>", "count": 5, "tags": ["algebra"] }]',
      },
      passingPercent: { label: 'Pass mark (%)', description: 'The score needed to pass, 0 to 100' },
      maxAttempts: { label: 'Attempts allowed', description: 'Empty: unlimited' },
      timeLimitSeconds: { label: 'Time limit (seconds)', description: 'Empty: no time limit' },
      shuffleQuestions: { label: 'Shuffle questions', description: 'Each attempt gets its own order' },
      shuffleOptions: { label: 'Shuffle options', description: 'True/false questions keep True, False' },
      reviewPolicy: {
        label: 'Show answers',
        description:
          'When students see the correct answers: never, after each attempt, once passed, or after the last attempt',
      },
      scoringPolicy: { label: 'Score that counts', description: 'The best or the last finished attempt' },
      required: {
        label: 'Required',
        description: 'The lesson (or, for a final test, the course) completes only once it is passed',
      },
      isFinal: { label: 'Final test' },
      weight: { label: 'Gradebook weight', description: '0 leaves the quiz out of the total' },
    },
  },
  {
    uid: 'quiz.question',
    kind: 'components',
    mainField: 'prompt',
    list: ['id', 'type', 'prompt', 'points'],
    edit: [
      [{ name: 'prompt', size: 12 }],
      [
        { name: 'type', size: 4 },
        { name: 'points', size: 4 },
        { name: 'partialCredit', size: 4 },
      ],
      [{ name: 'options', size: 12 }],
      [{ name: 'acceptedAnswers', size: 12 }],
      [
        { name: 'numericAnswer', size: 4 },
        { name: 'tolerance', size: 4 },
      ],
      [{ name: 'explanation', size: 12 }],
      [{ name: 'tags', size: 12 }],
    ],
    labels: {
      prompt: { label: 'Question' },
      type: {
        label: 'Kind',
        description:
          'single, multiple, true_false: options below; short_text: accepted answers; numeric: the correct number',
      },
      points: { label: 'Points' },
      partialCredit: {
        label: 'Partial credit',
        description: 'Multiple choice: each right choice earns a share, each wrong one takes a share back',
      },
      options: {
        label: 'Options',
        description: 'Choice questions: tick the correct ones (true/false: True first, then False)',
      },
      acceptedAnswers: {
        label: 'Accepted answers',
        description: 'Short text: a JSON list such as ["Paris"]; case and extra spaces are ignored',
      },
      numericAnswer: { label: 'Correct number', description: 'Numeric questions' },
      tolerance: { label: 'Tolerance', description: 'Numeric: how far an answer may be from the correct number' },
      explanation: {
        label: 'Explanation',
        description: 'Shown with the correct answers, when the quiz’s "Show answers" allows',
      },
      tags: {
        label: 'Tags (question banks)',
        description: 'A JSON list such as ["algebra"]: a draw with tags takes questions carrying all of them',
      },
    },
  },
  {
    uid: 'api::question-bank.question-bank',
    kind: 'content-types',
    list: ['id', 'title', 'course'],
    labels: {
      title: { label: 'Title' },
      course: { label: 'Course', description: 'Its quizzes may draw from this bank; its teachers edit it' },
      questions: { label: 'Questions' },
    },
  },
  {
    uid: 'quiz.option',
    kind: 'components',
    mainField: 'text',
    edit: [
      [
        { name: 'text', size: 8 },
        { name: 'correct', size: 4 },
      ],
    ],
    labels: {
      text: { label: 'Option' },
      correct: { label: 'Correct answer' },
    },
  },
];

/** A layout spec laid over the stored configuration: fields the spec does not name keep their place after it. */
export function mergeConfiguration(current: any, spec: LayoutSpec) {
  const metadatas = { ...(current.metadatas ?? {}) };
  for (const [field, text] of Object.entries(spec.labels)) {
    if (!metadatas[field]) continue;
    metadatas[field] = {
      ...metadatas[field],
      edit: { ...metadatas[field].edit, label: text.label, description: text.description ?? '' },
      list: { ...metadatas[field].list, label: text.label },
    };
  }
  const layouts = { ...(current.layouts ?? {}) };
  const known = (name: string) => Boolean(metadatas[name]) || name === 'id';
  if (spec.list) layouts.list = spec.list.filter(known);
  if (spec.edit) {
    const rows = spec.edit.map((row) => row.filter((field) => known(field.name))).filter((row) => row.length > 0);
    const placed = new Set(rows.flat().map((field) => field.name));
    for (const row of (current.layouts?.edit ?? []) as Field[][]) {
      const rest = row.filter((field) => !placed.has(field.name));
      if (rest.length) rows.push(rest);
    }
    layouts.edit = rows;
  }
  const settings = { ...(current.settings ?? {}) };
  if (spec.mainField && metadatas[spec.mainField])
    Object.assign(settings, { mainField: spec.mainField, defaultSortBy: spec.mainField });
  return { settings, metadatas, layouts };
}

/** In bootstrap, after the content manager has synced its configurations. */
export async function applyQuizLayouts(strapi: Core.Strapi): Promise<void> {
  const flag = strapi.store({ type: 'core', name: 'lyceum', key: 'quiz-layout-version' });
  if (Number(await flag.get({})) >= QUIZ_LAYOUT_VERSION) return;
  const contentManager = strapi.plugin('content-manager');
  for (const spec of QUIZ_LAYOUTS) {
    const service = contentManager.service(spec.kind);
    const model = spec.kind === 'components' ? service.findComponent(spec.uid) : service.findContentType(spec.uid);
    if (!model) continue;
    const current = await service.findConfiguration(model);
    await service.updateConfiguration(model, mergeConfiguration(current, spec));
  }
  await flag.set({ value: QUIZ_LAYOUT_VERSION });
}
