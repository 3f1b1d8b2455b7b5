'use strict';
// Seeds the bench database in bulk through Strapi's database layer (knex and the model metadata), never one
// HTTP call per row. Run as its own process by bench/run.js with DATABASE_* pointing at a throwaway database;
// it writes the plan (who is enrolled where, which lessons, quizzes, certificates) that the scenarios use.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { createStrapi } = require('@strapi/strapi');
const bcrypt = require('bcryptjs');

const root = path.resolve(__dirname, '..');
const BATCH = 1000;
const LESSONS_PER_COURSE = 10;
const ENROLLMENTS_PER_STUDENT = 5;
const COMPLETED_LESSONS_PER_ENROLLMENT = 5;
/** Students whose tokens drive the scenarios; distinct users, as real traffic would be. */
const BENCH_STUDENTS = 200;
/** Paid courses the purchase scenario buys (no capacity, so no seat is held: the hold is measured by the tests). */
const SHOP_COURSES = 100;
const QUIZ_QUESTIONS = 20;
const GRADEBOOK_STUDENTS = 1000;
const GRADEBOOK_ITEMS = 20;
// The exam-start scenario: this many students of one course each start and submit its 16-question final test.
const EXAM_STUDENTS = 3000;
const EXAM_QUESTIONS = 16;
// The random-quiz scenario: a quiz of three draws of this many questions each from one bank of this size.
const DRAW_BANK_QUESTIONS = 500;
const DRAW_COUNT = 5;
const DRAW_TAKERS = 200;
const PASSWORD = 'Bench-pass-1';
// Social learning: each bench student follows this many authors and has liked this many posts (their interests).
const SOCIAL_FOLLOWS = 200;
const SOCIAL_LIKES = 20;
const SOCIAL_TAGS = 50;
// Tutor marketplace: tutors teach 1–3 of these subjects and speak English, Russian or both.
const MARKET_SUBJECTS = 40;

const SCALES = {
  tiny: { courses: 100, students: 2000, attempts: 2000, reviews: 5000, certificates: 500, posts: 10000, tutors: 1000 },
  small: {
    courses: 10000,
    students: 20000,
    attempts: 50000,
    reviews: 100000,
    certificates: 5000,
    posts: 100000,
    tutors: 10000,
  },
  large: {
    courses: 100000,
    students: 200000,
    attempts: 500000,
    reviews: 1000000,
    certificates: 50000,
    posts: 1000000,
    tutors: 50000,
  },
};

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Shaped like Strapi's own (cuid2: 24 lowercase characters, a letter first), which relation shorthand expects. */
const documentId = () => {
  const bytes = crypto.randomBytes(24);
  let id = ALPHABET[bytes[0] % 26];
  for (let index = 1; index < 24; index += 1) id += ALPHABET[bytes[index] % 36];
  return id;
};
const chunk = (items, size) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

/** `count` one-point single-choice questions whose first option is the right one (what the scenarios answer). */
const singleChoiceQuestions = (count, prompt) =>
  Array.from({ length: count }, (_, number) => ({
    type: 'single',
    prompt: `${prompt} ${number + 1}`,
    points: 1,
    options: [
      { text: 'Right', correct: true },
      { text: 'Wrong', correct: false },
      { text: 'Also wrong', correct: false },
      { text: 'Not this', correct: false },
    ],
    explanation: 'Because.',
  }));

async function main() {
  const baseScaleName = process.env.BENCH_SCALE || 'small';
  if (!SCALES[baseScaleName]) throw new Error(`unknown scale ${baseScaleName}: use ${Object.keys(SCALES).join(', ')}`);
  // `--posts=` and `--tutors=` (bench/run.js) seed one table at another scale's size without the hours the rest of
  // that scale takes: the feed and matching rows at --scale=large read only posts and tutors.
  const overrides = JSON.parse(process.env.BENCH_SCALE_OVERRIDES || '{}');
  const scale = { ...SCALES[baseScaleName], ...overrides };
  const scaleName = Object.keys(overrides).length
    ? `${baseScaleName} with ${Object.entries(overrides)
        .map(([name, count]) => `${count.toLocaleString('en')} ${name}`)
        .join(' and ')}`
    : baseScaleName;
  const planFile = process.env.BENCH_PLAN_FILE;

  const app = createStrapi({ appDir: root, distDir: path.join(root, 'dist') });
  app.log.level = 'warn';
  const strapi = await app.load();
  const knex = strapi.db.connection;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const now = new Date();

  const meta = (uid) => strapi.db.metadata.get(uid);
  const table = (uid) => meta(uid).tableName;
  /** A row by attribute names, written with the model's column names. */
  const toRow = (uid, values) => {
    const attributes = meta(uid).attributes;
    const row = {};
    for (const [name, value] of Object.entries(values)) {
      const attribute = attributes[name];
      if (!attribute) throw new Error(`${uid} has no attribute ${name}`);
      row[attribute.columnName || name] = attribute.type === 'json' && value !== null ? JSON.stringify(value) : value;
    }
    return row;
  };
  const insert = async (uid, rows) => {
    for (const part of chunk(rows, BATCH)) await knex(table(uid)).insert(part.map((values) => toRow(uid, values)));
  };
  /** Pairs [sourceId, targetId] into the relation's join table, with its order columns where it has them. */
  const link = async (uid, attributeName, pairs) => {
    const { joinTable } = meta(uid).attributes[attributeName];
    const rows = pairs.map(([sourceId, targetId], index) => {
      const row = { [joinTable.joinColumn.name]: sourceId, [joinTable.inverseJoinColumn.name]: targetId };
      if (joinTable.orderColumnName) row[joinTable.orderColumnName] = 1;
      if (joinTable.inverseOrderColumnName) row[joinTable.inverseOrderColumnName] = index + 1;
      return row;
    });
    for (const part of chunk(rows, BATCH)) await knex(joinTable.name).insert(part);
  };
  const idsByDocument = async (uid, where = {}) => {
    const rows = await knex(table(uid)).select('id', 'document_id', 'published_at').where(where);
    const map = new Map();
    for (const row of rows) map.set(`${row.document_id}:${row.published_at ? 'published' : 'draft'}`, row.id);
    return map;
  };
  const stamps = { createdAt: now, updatedAt: now };

  // Roles come from Lyceum's bootstrap.
  const roles = await knex(table('plugin::users-permissions.role')).select('id', 'type');
  const roleId = Object.fromEntries(roles.map((role) => [role.type, role.id]));

  // People: teachers and students share one password hash (hashing 20k passwords would be the whole seed).
  const passwordHash = await bcrypt.hash(PASSWORD, 10);
  const USER = 'plugin::users-permissions.user';
  const teacherCount = Math.max(10, Math.round(scale.courses / 10));
  const people = [];
  for (let index = 0; index < teacherCount; index += 1) people.push({ kind: 'teacher', index });
  for (let index = 0; index < scale.students; index += 1) people.push({ kind: 'student', index });
  await insert(
    USER,
    people.map(({ kind, index }) => ({
      documentId: documentId(),
      username: `${kind}${index}`,
      email: `${kind}${index}@bench.lyceum.local`,
      provider: 'local',
      password: passwordHash,
      confirmed: true,
      blocked: false,
      fullName: `${kind === 'teacher' ? 'Teacher' : 'Student'} ${index}`,
      ...stamps,
      publishedAt: now,
    }))
  );
  const userRows = await knex(table(USER)).select('id', 'username').where('email', 'like', '%@bench.lyceum.local');
  const userId = new Map(userRows.map((row) => [row.username, row.id]));
  await link(
    USER,
    'role',
    people.map(({ kind, index }) => [userId.get(`${kind}${index}`), roleId[kind]])
  );
  const teacherIds = Array.from({ length: teacherCount }, (_, index) => userId.get(`teacher${index}`));
  const studentIds = Array.from({ length: scale.students }, (_, index) => userId.get(`student${index}`));
  console.log(`[bench] users: ${people.length} (${elapsed()})`);

  // Catalog: courses and lessons as Strapi stores draft & publish: a draft row and a published row
  // per document, relations linking drafts to drafts and published rows to published rows.
  const CATEGORY = 'api::category.category';
  const COURSE = 'api::course.course';
  const LESSON = 'api::lesson.lesson';
  const categories = Array.from({ length: 20 }, (_, index) => ({
    documentId: documentId(),
    name: `Category ${index}`,
    slug: `bench-category-${index}`,
  }));
  const bothStates = (values) => [
    { ...values, ...stamps, locale: 'en', publishedAt: null },
    { ...values, ...stamps, locale: 'en', publishedAt: now },
  ];
  // Categories have no draft & publish: one row each, which drafts and published courses both link to.
  await insert(
    CATEGORY,
    categories.map((values) => ({ ...values, ...stamps, locale: 'en', publishedAt: now }))
  );
  const categoryIds = await idsByDocument(CATEGORY);
  const levels = ['beginner', 'intermediate', 'advanced'];
  const courses = Array.from({ length: scale.courses }, (_, index) => ({
    documentId: documentId(),
    title: `Course ${String(index).padStart(6, '0')}`,
    slug: `bench-course-${index}`,
    summary: `What course ${index} teaches, in one line.`,
    description: `Course ${index} in depth. `.repeat(20),
    level: levels[index % levels.length],
    price: 0,
    currency: 'USD',
    capacity: null,
    sequential: false,
    accessDaysAfterCompletion: 30,
    ratingAverage: 0,
    ratingCount: 0,
    studentsCount: 0,
  }));
  // The shop: courses with a price, beyond the catalog's indexes (so no student is enrolled in them and the enroll
  // scenario never picks them), bought by the purchase scenario.
  for (let index = 0; index < SHOP_COURSES; index += 1) {
    courses.push({
      ...courses[index],
      documentId: documentId(),
      title: `Paid course ${String(index).padStart(4, '0')}`,
      slug: `bench-paid-course-${index}`,
      price: 19,
    });
  }
  const shopCourses = courses.slice(scale.courses);
  await insert(COURSE, courses.flatMap(bothStates));
  const courseIds = await idsByDocument(COURSE);
  const courseRow = (course, state = 'published') => courseIds.get(`${course.documentId}:${state}`);
  for (const state of ['draft', 'published']) {
    await link(
      COURSE,
      'category',
      courses.map((course, index) => [
        courseRow(course, state),
        categoryIds.get(`${categories[index % categories.length].documentId}:published`),
      ])
    );
    await link(
      COURSE,
      'teachers',
      courses.map((course, index) => [courseRow(course, state), teacherIds[index % teacherIds.length]])
    );
  }
  // One shared paragraph: each lesson's content is its heading joined to it, not a copy of its own (a million lessons
  // at --scale=large made the seed run out of heap at 4 GB).
  const LESSON_TEXT = 'A paragraph of lesson text with enough words to look real. '.repeat(40);
  const lessons = courses.flatMap((course, courseIndex) =>
    Array.from({ length: LESSONS_PER_COURSE }, (_, position) => ({
      documentId: documentId(),
      course,
      courseIndex,
      values: {
        title: `Lesson ${position + 1} of course ${courseIndex}`,
        position: position + 1,
        kind: 'text',
        content: `## Lesson ${position + 1}\n\n` + LESSON_TEXT,
        freePreview: position === 0,
        durationMinutes: 10,
      },
    }))
  );
  await insert(
    LESSON,
    lessons.flatMap((lesson) => bothStates({ documentId: lesson.documentId, ...lesson.values }))
  );
  const lessonIds = await idsByDocument(LESSON);
  for (const state of ['draft', 'published']) {
    await link(
      LESSON,
      'course',
      lessons.map((lesson) => [lessonIds.get(`${lesson.documentId}:${state}`), courseRow(lesson.course, state)])
    );
  }
  console.log(`[bench] catalog: ${courses.length} courses, ${lessons.length} lessons (${elapsed()})`);

  // The blog: published articles with tags, for the article list.
  const TAG = 'api::tag.tag';
  const ARTICLE = 'api::article.article';
  const tags = Array.from({ length: 30 }, (_, index) => ({
    documentId: documentId(),
    name: `Tag ${index}`,
    slug: `bench-tag-${index}`,
    ...stamps,
    publishedAt: now,
  }));
  await insert(TAG, tags);
  const tagIds = await idsByDocument(TAG);
  const articles = Array.from({ length: 300 }, (_, index) => ({
    documentId: documentId(),
    title: `Article ${index}`,
    slug: `bench-article-${index}`,
    excerpt: `Why article ${index} matters.`,
    body: 'A paragraph of an article about learning. '.repeat(120),
    readingMinutes: 4,
  }));
  await insert(ARTICLE, articles.flatMap(bothStates));
  const articleIds = await idsByDocument(ARTICLE);
  for (const state of ['draft', 'published']) {
    await link(
      ARTICLE,
      'tags',
      articles.flatMap((article, index) =>
        [0, 1].map((offset) => [
          articleIds.get(`${article.documentId}:${state}`),
          tagIds.get(`${tags[(index + offset * 7) % tags.length].documentId}:published`),
        ])
      )
    );
  }
  console.log(`[bench] articles: ${articles.length} (${elapsed()})`);

  // Enrollments: student s is in courses s, s+stride, … (distinct); progress on the first lessons of each.
  const ENROLLMENT = 'plugin::enrollment.enrollment';
  const PROGRESS = 'plugin::progress.lesson-progress';
  const stride = Math.floor(scale.courses / (ENROLLMENTS_PER_STUDENT + 2));
  const enrolledCourseIndexes = (studentIndex) =>
    Array.from({ length: ENROLLMENTS_PER_STUDENT }, (_, k) => (studentIndex + k * stride) % scale.courses);
  const seats = new Map();
  for (const part of chunk(
    studentIds.map((id, index) => ({ id, index })),
    2000
  )) {
    const enrollments = [];
    const progress = [];
    for (const { id, index } of part) {
      for (const courseIndex of enrolledCourseIndexes(index)) {
        const course = courses[courseIndex];
        seats.set(courseIndex, (seats.get(courseIndex) ?? 0) + 1);
        enrollments.push({
          key: `${id}:${course.documentId}`,
          status: 'active',
          enrolledAt: now,
          progressPercent: (COMPLETED_LESSONS_PER_ENROLLMENT / LESSONS_PER_COURSE) * 100,
          lastActivityAt: now,
          documentId: documentId(),
          ...stamps,
          publishedAt: now,
          user: id,
          courseId: courseRow(course),
        });
        for (let position = 0; position < COMPLETED_LESSONS_PER_ENROLLMENT; position += 1) {
          const lesson = lessons[courseIndex * LESSONS_PER_COURSE + position];
          progress.push({
            key: `${id}:${lesson.documentId}`,
            lessonDocumentId: lesson.documentId,
            courseDocumentId: course.documentId,
            completedAt: now,
            positionSeconds: 0,
            documentId: documentId(),
            ...stamps,
            publishedAt: now,
            user: id,
          });
        }
      }
    }
    await insert(
      ENROLLMENT,
      enrollments.map(({ user, courseId, ...values }) => values)
    );
    const enrollmentIds = new Map(
      (
        await knex(table(ENROLLMENT))
          .select('id', 'key')
          .whereIn(
            'key',
            enrollments.map((row) => row.key)
          )
      ).map((row) => [row.key, row.id])
    );
    await link(
      ENROLLMENT,
      'user',
      enrollments.map((row) => [enrollmentIds.get(row.key), row.user])
    );
    await link(
      ENROLLMENT,
      'course',
      enrollments.map((row) => [enrollmentIds.get(row.key), row.courseId])
    );
    await insert(
      PROGRESS,
      progress.map(({ user, ...values }) => values)
    );
    const progressIds = new Map(
      (
        await knex(table(PROGRESS))
          .select('id', 'key')
          .whereIn(
            'key',
            progress.map((row) => row.key)
          )
      ).map((row) => [row.key, row.id])
    );
    await link(
      PROGRESS,
      'user',
      progress.map((row) => [progressIds.get(row.key), row.user])
    );
  }
  // Seats and studentsCount as the enrollment plugin keeps them, so enrolling never has to count.
  await insert(
    'plugin::enrollment.course-seat',
    courses.map((course, index) => ({
      courseDocumentId: course.documentId,
      taken: seats.get(index) ?? 0,
      held: 0,
      documentId: documentId(),
      ...stamps,
      publishedAt: now,
    }))
  );
  for (const [courseIndex, taken] of seats) {
    await knex(table(COURSE)).where('document_id', courses[courseIndex].documentId).update({ students_count: taken });
  }
  console.log(
    `[bench] enrollments: ${scale.students * ENROLLMENTS_PER_STUDENT}, lesson progress: ${scale.students * ENROLLMENTS_PER_STUDENT * COMPLETED_LESSONS_PER_ENROLLMENT} (${elapsed()})`
  );

  // Quizzes: a 20-question test on the first lesson of each bench student's first course, made through the
  // document service so the question components are stored exactly as the admin panel would store them.
  const QUIZ = 'api::quiz.quiz';
  const quizCourseIndexes = [
    ...new Set(
      Array.from({ length: Math.min(BENCH_STUDENTS, scale.students) }, (_, index) => enrolledCourseIndexes(index)[0])
    ),
  ];
  const quizzes = [];
  // A few at a time: each is a hundred components written twice (draft and published).
  const quizQueue = [...quizCourseIndexes];
  const makeQuizzes = async () => {
    for (let courseIndex = quizQueue.shift(); courseIndex !== undefined; courseIndex = quizQueue.shift()) {
      const lesson = lessons[courseIndex * LESSONS_PER_COURSE];
      const quiz = await strapi.documents(QUIZ).create({
        data: {
          title: `Quiz of course ${courseIndex}`,
          lesson: lesson.documentId,
          passingPercent: 60,
          maxAttempts: null,
          reviewPolicy: 'after_submit',
          required: false,
          questions: singleChoiceQuestions(QUIZ_QUESTIONS, 'Question'),
        },
        locale: 'en',
        status: 'published',
      });
      quizzes.push({ documentId: quiz.documentId, courseIndex });
    }
  };
  await Promise.all(Array.from({ length: 4 }, makeQuizzes));
  const quizIds = await idsByDocument(QUIZ);
  // An assignment on each of those courses too, for the hand-in scenario.
  const ASSIGNMENT = 'api::assignment.assignment';
  const assignments = [];
  for (const part of chunk(quizCourseIndexes, 4)) {
    await Promise.all(
      part.map(async (courseIndex) => {
        const assignment = await strapi.documents(ASSIGNMENT).create({
          data: {
            title: `Essay for course ${courseIndex}`,
            instructions: 'Write a page.',
            maxPoints: 10,
            allowLate: true,
            course: courses[courseIndex].documentId,
          },
          locale: 'en',
          status: 'published',
        });
        assignments.push({ documentId: assignment.documentId, courseIndex });
      })
    );
  }
  // Past attempts for volume: submitted ones spread over the seeded students of the quiz courses.
  const ATTEMPT = 'plugin::grading.quiz-attempt';
  const attempts = [];
  for (let index = 0; index < scale.attempts; index += 1) {
    const quiz = quizzes[index % quizzes.length];
    const studentIndex = (quiz.courseIndex + Math.floor(index / quizzes.length) * scale.courses) % scale.students;
    const studentId = studentIds[studentIndex];
    const attemptNumber = 1000 + index;
    attempts.push({
      key: `${studentId}:${quiz.documentId}:${attemptNumber}`,
      quizDocumentId: quiz.documentId,
      attemptNumber,
      status: 'submitted',
      startedAt: now,
      expiresAt: null,
      submittedAt: now,
      courseDocumentId: courses[quiz.courseIndex].documentId,
      locale: 'en',
      questions: [],
      answers: [],
      score: 15,
      maxScore: QUIZ_QUESTIONS,
      percent: 75,
      passed: true,
      documentId: documentId(),
      ...stamps,
      publishedAt: now,
      user: studentId,
      quizId: quizIds.get(`${quiz.documentId}:published`),
    });
  }
  for (const part of chunk(attempts, 5000)) {
    await insert(
      ATTEMPT,
      part.map(({ user, quizId, ...values }) => values)
    );
    const attemptIds = new Map(
      (
        await knex(table(ATTEMPT))
          .select('id', 'key')
          .whereIn(
            'key',
            part.map((row) => row.key)
          )
      ).map((row) => [row.key, row.id])
    );
    await link(
      ATTEMPT,
      'user',
      part.map((row) => [attemptIds.get(row.key), row.user])
    );
    await link(
      ATTEMPT,
      'quiz',
      part.map((row) => [attemptIds.get(row.key), row.quizId])
    );
  }
  console.log(
    `[bench] quizzes: ${quizzes.length} of ${QUIZ_QUESTIONS} questions, attempts: ${attempts.length} (${elapsed()})`
  );

  // Reviews: one per enrollment, for as many as the scale asks.
  const REVIEW = 'api::review.review';
  const reviews = [];
  for (let index = 0; reviews.length < scale.reviews && index < scale.students; index += 1) {
    for (const courseIndex of enrolledCourseIndexes(index)) {
      if (reviews.length >= scale.reviews) break;
      reviews.push({
        key: `${studentIds[index]}:${courses[courseIndex].documentId}`,
        courseDocumentId: courses[courseIndex].documentId,
        rating: 1 + ((index + courseIndex) % 5),
        body: `Review by student ${index} of course ${courseIndex}: clear lessons, fair quizzes.`,
        documentId: documentId(),
        ...stamps,
        publishedAt: now,
        author: studentIds[index],
        courseId: courseRow(courses[courseIndex]),
      });
    }
  }
  for (const part of chunk(reviews, 5000)) {
    await insert(
      REVIEW,
      part.map(({ author, courseId, ...values }) => values)
    );
    const reviewIds = new Map(
      (
        await knex(table(REVIEW))
          .select('id', 'key')
          .whereIn(
            'key',
            part.map((row) => row.key)
          )
      ).map((row) => [row.key, row.id])
    );
    await link(
      REVIEW,
      'author',
      part.map((row) => [reviewIds.get(row.key), row.author])
    );
    await link(
      REVIEW,
      'course',
      part.map((row) => [reviewIds.get(row.key), row.courseId])
    );
  }
  // Ratings as the community rules keep them: equal to the reviews.
  const ratingLink = meta(REVIEW).attributes.course.joinTable;
  const ratings = await knex(table(REVIEW))
    .join(ratingLink.name, `${ratingLink.name}.${ratingLink.joinColumn.name}`, `${table(REVIEW)}.id`)
    .select(`${ratingLink.name}.${ratingLink.inverseJoinColumn.name} as course_id`)
    .avg({ average: 'rating' })
    .count({ count: '*' })
    .groupBy(`${ratingLink.name}.${ratingLink.inverseJoinColumn.name}`);
  const courseById = new Map([...courseIds].map(([key, id]) => [id, key.split(':')[0]]));
  for (const part of chunk(ratings, 500)) {
    await knex.transaction(async (trx) => {
      for (const rating of part) {
        await trx(table(COURSE))
          .where('document_id', courseById.get(rating.course_id))
          .update({
            rating_average: Math.round(Number(rating.average) * 100) / 100,
            rating_count: Number(rating.count),
          });
      }
    });
  }
  console.log(`[bench] reviews: ${reviews.length} (${elapsed()})`);

  // Certificates: the bench students hold one each (for the PDF scenario), others fill the volume.
  const CERTIFICATE = 'plugin::certificates.certificate';
  const certificates = [];
  for (let index = 0; certificates.length < scale.certificates && index < scale.students; index += 1) {
    const courseIndex = enrolledCourseIndexes(index)[ENROLLMENTS_PER_STUDENT - 1];
    const course = courses[courseIndex];
    certificates.push({
      key: `${studentIds[index]}:${course.documentId}`,
      code: crypto.randomBytes(16).toString('base64url'),
      status: 'issued',
      issuedAt: now,
      studentName: `Student ${index}`,
      courseTitle: course.title,
      teacherNames: `Teacher ${courseIndex % teacherIds.length}`,
      finalPercent: 100,
      documentId: documentId(),
      ...stamps,
      publishedAt: now,
      user: studentIds[index],
      courseId: courseRow(course),
      studentIndex: index,
    });
  }
  const certificateIdsByKey = new Map();
  for (const part of chunk(certificates, 5000)) {
    await insert(
      CERTIFICATE,
      part.map(({ user, courseId, studentIndex, ...values }) => values)
    );
    const certificateIds = new Map(
      (
        await knex(table(CERTIFICATE))
          .select('id', 'key')
          .whereIn(
            'key',
            part.map((row) => row.key)
          )
      ).map((row) => [row.key, row.id])
    );
    await link(
      CERTIFICATE,
      'user',
      part.map((row) => [certificateIds.get(row.key), row.user])
    );
    await link(
      CERTIFICATE,
      'course',
      part.map((row) => [certificateIds.get(row.key), row.courseId])
    );
    for (const [key, id] of certificateIds) certificateIdsByKey.set(key, id);
  }
  console.log(`[bench] certificates: ${certificates.length} (${elapsed()})`);

  // Their signed Open Badges credentials, one at a time through the service the issue job calls: the "credential
  // issue" figure (signing time per certificate). The server then finds every one signed: its backfill has nothing
  // to do during the scenarios.
  let credentialSigning = null;
  if (process.env.CREDENTIAL_SIGNING_KEY) {
    const credentialService = strapi.plugin('certificates').service('credentials');
    const signingStarted = process.hrtime.bigint();
    for (const row of certificates) await credentialService.signFor(Number(certificateIdsByKey.get(row.key)));
    const seconds = Number(process.hrtime.bigint() - signingStarted) / 1e9;
    credentialSigning = {
      certificates: certificates.length,
      seconds,
      msPerCertificate: certificates.length ? (seconds * 1000) / certificates.length : 0,
    };
    console.log(
      `[bench] credentials signed: ${certificates.length}, ${credentialSigning.msPerCertificate.toFixed(1)} ms each (${elapsed()})`
    );
  }

  // One big course for the gradebook: its 1,000 students are the first students not already in it.
  const gradebookCourseIndex = scale.courses - 1;
  const gradebookCourse = courses[gradebookCourseIndex];
  const gradebookStudents = studentIds
    .map((id, index) => ({ id, index }))
    .filter(({ index }) => !enrolledCourseIndexes(index).includes(gradebookCourseIndex))
    .slice(0, GRADEBOOK_STUDENTS);
  const gradebookEnrollments = gradebookStudents.map(({ id }) => ({
    key: `${id}:${gradebookCourse.documentId}`,
    status: 'active',
    enrolledAt: now,
    progressPercent: 0,
    documentId: documentId(),
    ...stamps,
    publishedAt: now,
  }));
  await insert(ENROLLMENT, gradebookEnrollments);
  const gradebookIds = new Map(
    (
      await knex(table(ENROLLMENT))
        .select('id', 'key')
        .whereIn(
          'key',
          gradebookEnrollments.map((row) => row.key)
        )
    ).map((row) => [row.key, row.id])
  );
  await link(
    ENROLLMENT,
    'user',
    gradebookStudents.map(({ id }) => [gradebookIds.get(`${id}:${gradebookCourse.documentId}`), id])
  );
  await link(
    ENROLLMENT,
    'course',
    gradebookStudents.map(({ id }) => [
      gradebookIds.get(`${id}:${gradebookCourse.documentId}`),
      courseRow(gradebookCourse),
    ])
  );
  const totalTaken = (seats.get(gradebookCourseIndex) ?? 0) + gradebookStudents.length;
  await knex(table('plugin::enrollment.course-seat'))
    .where('course_document_id', gradebookCourse.documentId)
    .update({ taken: totalTaken });
  await knex(table(COURSE)).where('document_id', gradebookCourse.documentId).update({ students_count: totalTaken });
  // Its gradebook has 20 items, 10 quizzes and 10 assignments, each scored for every one of those students.
  const SUBMISSION = 'api::submission.submission';
  for (let item = 0; item < GRADEBOOK_ITEMS / 2; item += 1) {
    const quiz = await strapi.documents(QUIZ).create({
      data: {
        title: `Test ${item + 1}`,
        course: gradebookCourse.documentId,
        isFinal: item === 0,
        passingPercent: 60,
        questions: [
          {
            type: 'true_false',
            prompt: 'Ready?',
            points: 1,
            options: [
              { text: 'True', correct: true },
              { text: 'False', correct: false },
            ],
          },
        ],
      },
      locale: 'en',
      status: 'published',
    });
    const quizRow = (await idsByDocument(QUIZ, { document_id: quiz.documentId })).get(`${quiz.documentId}:published`);
    const scored = gradebookStudents.map(({ id }, index) => ({
      key: `${id}:${quiz.documentId}:1`,
      quizDocumentId: quiz.documentId,
      attemptNumber: 1,
      status: 'submitted',
      startedAt: now,
      submittedAt: now,
      courseDocumentId: gradebookCourse.documentId,
      locale: 'en',
      questions: [],
      answers: [],
      score: (index + item) % 2,
      maxScore: 1,
      percent: ((index + item) % 2) * 100,
      passed: (index + item) % 2 === 1,
      documentId: documentId(),
      ...stamps,
      publishedAt: now,
      user: id,
    }));
    await insert(
      ATTEMPT,
      scored.map(({ user, ...values }) => values)
    );
    const scoredIds = new Map(
      (
        await knex(table(ATTEMPT))
          .select('id', 'key')
          .whereIn(
            'key',
            scored.map((row) => row.key)
          )
      ).map((row) => [row.key, row.id])
    );
    await link(
      ATTEMPT,
      'user',
      scored.map((row) => [scoredIds.get(row.key), row.user])
    );
    await link(
      ATTEMPT,
      'quiz',
      scored.map((row) => [scoredIds.get(row.key), quizRow])
    );

    const assignment = await strapi.documents(ASSIGNMENT).create({
      data: {
        title: `Essay ${item + 1}`,
        instructions: 'Write two pages.',
        maxPoints: 10,
        course: gradebookCourse.documentId,
      },
      locale: 'en',
      status: 'published',
    });
    const assignmentRow = (await idsByDocument(ASSIGNMENT, { document_id: assignment.documentId })).get(
      `${assignment.documentId}:published`
    );
    const graded = gradebookStudents.map(({ id }, index) => ({
      key: `${id}:${assignment.documentId}`,
      text: 'My essay.',
      attempt: 1,
      status: 'graded',
      isLate: false,
      latePenaltyPercent: 0,
      grade: (index + item) % 11,
      finalGrade: (index + item) % 11,
      feedback: 'Fine.',
      submittedAt: now,
      gradedAt: now,
      documentId: documentId(),
      ...stamps,
      publishedAt: now,
      student: id,
    }));
    await insert(
      SUBMISSION,
      graded.map(({ student, ...values }) => values)
    );
    const gradedIds = new Map(
      (
        await knex(table(SUBMISSION))
          .select('id', 'key')
          .whereIn(
            'key',
            graded.map((row) => row.key)
          )
      ).map((row) => [row.key, row.id])
    );
    await link(
      SUBMISSION,
      'student',
      graded.map((row) => [gradedIds.get(row.key), row.student])
    );
    await link(
      SUBMISSION,
      'assignment',
      graded.map((row) => [gradedIds.get(row.key), assignmentRow])
    );
  }
  console.log(
    `[bench] gradebook course: ${gradebookStudents.length} students × ${GRADEBOOK_ITEMS} scored items (${elapsed()})`
  );

  // The exam: one more course whose final test (16 questions) its 3,000 students all take at once. They are the first
  // students not already in it or in the gradebook's course.
  const examCourseIndex = scale.courses - 2;
  const examCourse = courses[examCourseIndex];
  const gradebookStudentIds = new Set(gradebookStudents.map(({ id }) => id));
  const examStudents = studentIds
    .map((id, index) => ({ id, index }))
    .filter(({ id, index }) => !enrolledCourseIndexes(index).includes(examCourseIndex) && !gradebookStudentIds.has(id))
    .slice(0, EXAM_STUDENTS);
  const examEnrollments = examStudents.map(({ id }) => ({
    key: `${id}:${examCourse.documentId}`,
    status: 'active',
    enrolledAt: now,
    progressPercent: 0,
    documentId: documentId(),
    ...stamps,
    publishedAt: now,
  }));
  for (const part of chunk(examEnrollments, BATCH)) await insert(ENROLLMENT, part);
  const examEnrollmentIds = new Map();
  for (const part of chunk(examEnrollments, BATCH))
    for (const row of await knex(table(ENROLLMENT))
      .select('id', 'key')
      .whereIn(
        'key',
        part.map((enrollment) => enrollment.key)
      ))
      examEnrollmentIds.set(row.key, row.id);
  const examPairs = examStudents.map(({ id }) => [examEnrollmentIds.get(`${id}:${examCourse.documentId}`), id]);
  for (const part of chunk(examPairs, BATCH)) await link(ENROLLMENT, 'user', part);
  for (const part of chunk(examPairs, BATCH))
    await link(
      ENROLLMENT,
      'course',
      part.map(([enrollmentId]) => [enrollmentId, courseRow(examCourse)])
    );
  const examTaken = (seats.get(examCourseIndex) ?? 0) + examStudents.length;
  await knex(table('plugin::enrollment.course-seat'))
    .where('course_document_id', examCourse.documentId)
    .update({ taken: examTaken });
  await knex(table(COURSE)).where('document_id', examCourse.documentId).update({ students_count: examTaken });
  const exam = await strapi.documents(QUIZ).create({
    data: {
      title: 'Final exam',
      course: examCourse.documentId,
      isFinal: true,
      passingPercent: 60,
      maxAttempts: null,
      reviewPolicy: 'after_submit',
      questions: singleChoiceQuestions(EXAM_QUESTIONS, 'Exam question'),
    },
    locale: 'en',
    status: 'published',
  });
  console.log(`[bench] exam: ${examStudents.length} students, ${EXAM_QUESTIONS} questions (${elapsed()})`);

  // A random quiz on the exam's course: three draws from one 500-question bank (two of them by tag), so a start
  // picks its questions among hundreds and reads only the drawn ones. Its takers are the first exam students.
  const bank = await strapi.documents('api::question-bank.question-bank').create({
    data: {
      title: 'Exam question bank',
      course: examCourse.documentId,
      questions: singleChoiceQuestions(DRAW_BANK_QUESTIONS, 'Bank question').map((question, index) => ({
        ...question,
        tags: [`topic-${index % 5}`],
      })),
    },
  });
  const drawQuiz = await strapi.documents(QUIZ).create({
    data: {
      title: 'Random practice test',
      course: examCourse.documentId,
      isFinal: true,
      required: false,
      passingPercent: 60,
      maxAttempts: null,
      reviewPolicy: 'after_submit',
      questions: [],
      draws: [
        { bank: bank.documentId, count: DRAW_COUNT, tags: ['topic-0'] },
        { bank: bank.documentId, count: DRAW_COUNT, tags: ['topic-1'] },
        { bank: bank.documentId, count: DRAW_COUNT },
      ],
    },
    locale: 'en',
    status: 'published',
  });
  console.log(
    `[bench] random quiz: 3 draws of ${DRAW_COUNT} from a ${DRAW_BANK_QUESTIONS}-question bank (${elapsed()})`
  );
  // The search index, as `npm run search:reindex` makes it: the seed wrote past the document service, so no index
  // job followed its writes.
  const { rebuildIndex } = require(path.join(root, 'dist', 'src', 'plugins', 'search', 'server', 'src', 'facade.js'));
  let lastReported = '';
  const indexed = await rebuildIndex(strapi, ({ type, done, total }) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (`${type}:${tenth}` === lastReported) return;
    lastReported = `${type}:${tenth}`;
    if (tenth === 10 || tenth % 5 === 0) console.log(`[bench] search index: ${type} ${done}/${total} (${elapsed()})`);
  });
  console.log(`[bench] search index: ${JSON.stringify(indexed)} (${elapsed()})`);

  // Social learning: posts by teachers and students over the last 90 days (one or two of 50 tags, a tenth for
  // followers only), each bench student following 200 authors and having liked 20 posts; one hot post for the
  // likes scenario. Scores as the like statements keep them (rules/visibility.ts popularScore).
  const POST = 'api::post.post';
  const authorIds = [...teacherIds, ...studentIds];
  const socialTagRows = Array.from({ length: SOCIAL_TAGS }, (_, index) => ({
    documentId: documentId(),
    name: `social-tag-${index}`,
    slug: `social-tag-${index}`,
    ...stamps,
    publishedAt: now,
  }));
  await insert('api::tag.tag', socialTagRows);
  const socialTagIds = (
    await knex(table('api::tag.tag')).select('id').where('name', 'like', 'social-tag-%').orderBy('id')
  ).map((row) => row.id);
  const ninetyDays = 90 * 86_400_000;
  const firstPostId = ((await knex(table(POST)).max({ max: 'id' }).first())?.max ?? 0) + 1;
  for (let start = 0; start < scale.posts; start += BATCH * 10) {
    const rows = [];
    for (let index = start; index < Math.min(scale.posts, start + BATCH * 10); index += 1) {
      const postedMs = now.getTime() - ninetyDays + Math.floor((index / scale.posts) * ninetyDays);
      rows.push({
        documentId: documentId(),
        kind: 'note',
        title: `Post ${index}`,
        body: `Notes number ${index}.`,
        visibility: index % 10 === 0 ? 'followers' : 'public',
        isDraft: false,
        postedAt: new Date(postedMs),
        postedMs,
        authorId: authorIds[(index * 7919) % authorIds.length],
        likesCount: 0,
        commentsCount: 0,
        popularScore: postedMs / 3_600_000 / 12,
        ...stamps,
        publishedAt: now,
      });
    }
    await insert(POST, rows);
  }
  const postTags = [];
  for (let index = 0; index < scale.posts; index += 1) {
    postTags.push([firstPostId + index, socialTagIds[index % SOCIAL_TAGS]]);
    if (index % 3 === 0) postTags.push([firstPostId + index, socialTagIds[(index * 13 + 7) % SOCIAL_TAGS]]);
  }
  for (const part of chunk(postTags, BATCH * 50)) await link(POST, 'tags', part);
  const socialStudents = studentIds.slice(0, Math.min(BENCH_STUDENTS, scale.students));
  const follows = [];
  const likes = [];
  socialStudents.forEach((followerId, studentIndex) => {
    const followed = new Set();
    for (let step = 0; followed.size < Math.min(SOCIAL_FOLLOWS, authorIds.length - 1); step += 1) {
      const authorId = authorIds[(studentIndex * 104729 + step * 7919) % authorIds.length];
      if (authorId !== followerId) followed.add(authorId);
    }
    for (const followedId of followed)
      follows.push({
        documentId: documentId(),
        key: `${followerId}:${followedId}`,
        followerId,
        followedId,
        ...stamps,
        publishedAt: now,
      });
    for (let step = 0; step < SOCIAL_LIKES; step += 1) {
      const postId = firstPostId + ((studentIndex * 31 + step * 997) % scale.posts);
      likes.push({
        documentId: documentId(),
        key: `post:${postId}:${followerId}`,
        targetType: 'post',
        targetId: postId,
        userId: followerId,
        ...stamps,
        publishedAt: now,
      });
    }
  });
  await insert('api::follow.follow', follows);
  const uniqueLikes = [...new Map(likes.map((row) => [row.key, row])).values()];
  await insert('api::post-like.post-like', uniqueLikes);
  const likesPerPost = new Map();
  for (const row of uniqueLikes) likesPerPost.set(row.targetId, (likesPerPost.get(row.targetId) ?? 0) + 1);
  for (const [postId, count] of likesPerPost)
    await knex(table(POST)).where('id', postId).update({ likes_count: count });
  const hotPost = documentId();
  await insert(POST, [
    {
      documentId: hotPost,
      kind: 'note',
      title: 'The hot post',
      body: 'Everyone likes this one.',
      visibility: 'public',
      isDraft: false,
      postedAt: now,
      postedMs: now.getTime(),
      authorId: teacherIds[0],
      likesCount: 0,
      commentsCount: 0,
      popularScore: now.getTime() / 3_600_000 / 12,
      ...stamps,
      publishedAt: now,
    },
  ]);
  console.log(
    `[bench] social: ${scale.posts} posts, ${follows.length} follows, ${uniqueLikes.length} likes (${elapsed()})`
  );

  // Tutor marketplace: `scale.tutors` teachers with tutor profiles (rates in USD or EUR, ratings as reviews would
  // have left them, activity over the last 90 days), each teaching 1–3 of MARKET_SUBJECTS subjects and speaking
  // English, Russian or both; every bench student has one open task request (budget 40 USD) in a subject taken in
  // turn, for the `task-matches` row.
  const PROFILE = 'plugin::marketplace.tutor-profile';
  const tutorPeople = Array.from({ length: scale.tutors }, (_, index) => index);
  await insert(
    USER,
    tutorPeople.map((index) => ({
      documentId: documentId(),
      username: `tutor${index}`,
      email: `tutor${index}@bench.lyceum.local`,
      provider: 'local',
      password: passwordHash,
      confirmed: true,
      blocked: false,
      fullName: `Tutor ${index}`,
      ...stamps,
      publishedAt: now,
    }))
  );
  const tutorRows = await knex(table(USER)).select('id', 'username').where('username', 'like', 'tutor%');
  const tutorId = new Map(tutorRows.map((row) => [row.username, row.id]));
  const tutorIds = tutorPeople.map((index) => tutorId.get(`tutor${index}`));
  await link(
    USER,
    'role',
    tutorIds.map((id) => [id, roleId.teacher])
  );
  const subjectRows = Array.from({ length: MARKET_SUBJECTS }, (_, index) => ({
    documentId: documentId(),
    name: `subject-${index}`,
    slug: `subject-${index}`,
    ...stamps,
    publishedAt: now,
  }));
  await insert('api::tag.tag', subjectRows);
  const subjectsOf = (index) => {
    const count = 1 + (index % 3);
    return [
      ...new Set(Array.from({ length: count }, (_, step) => subjectRows[(index * 7 + step * 13) % MARKET_SUBJECTS])),
    ];
  };
  const languagesOf = (index) => (index % 5 === 0 ? ['ru'] : index % 5 === 1 ? ['en', 'ru'] : ['en']);
  for (let start = 0; start < tutorIds.length; start += BATCH * 5) {
    const profiles = [];
    const subjects = [];
    const languages = [];
    for (let index = start; index < Math.min(tutorIds.length, start + BATCH * 5); index += 1) {
      const userId = tutorIds[index];
      const ratingCount = (index * 31) % 60;
      const ratingSum = Math.min(ratingCount * 5, Math.round(ratingCount * (3 + ((index * 17) % 21) / 10)));
      const tutorSubjects = subjectsOf(index).map((tag) => tag.documentId);
      profiles.push({
        documentId: documentId(),
        userId,
        headline: `Tutor ${index}: patient and precise`,
        subjects: tutorSubjects,
        experienceYears: index % 25,
        hourlyRate: 10 + ((index * 37) % 90),
        currency: index % 4 === 0 ? 'EUR' : 'USD',
        languages: languagesOf(index),
        ratingSum,
        ratingCount,
        ratingAverage: ratingCount ? Math.round((ratingSum / ratingCount) * 100) / 100 : 0,
        lastActiveAt: new Date(now.getTime() - ((index * 7919) % 90) * 86_400_000),
        ...stamps,
        publishedAt: now,
      });
      for (const tagDocumentId of tutorSubjects)
        subjects.push({ documentId: documentId(), userId, tagDocumentId, ...stamps, publishedAt: now });
      for (const language of languagesOf(index))
        languages.push({ documentId: documentId(), userId, language, ...stamps, publishedAt: now });
    }
    await insert(PROFILE, profiles);
    await insert('plugin::marketplace.tutor-subject', subjects);
    await insert('plugin::marketplace.tutor-language', languages);
  }
  const taskStudents = studentIds.slice(0, Math.min(BENCH_STUDENTS, scale.students));
  const taskRows = taskStudents.map((authorId, index) => ({
    documentId: documentId(),
    authorId,
    title: `Task ${index}`,
    description: 'Two sessions before the exam.',
    subjectDocumentId: subjectRows[index % MARKET_SUBJECTS].documentId,
    budget: 40,
    currency: 'USD',
    deadline: new Date(now.getTime() + 14 * 86_400_000),
    language: 'en',
    status: 'open',
    offersCount: 0,
    ...stamps,
    publishedAt: now,
  }));
  await insert('plugin::marketplace.task', taskRows);
  console.log(`[bench] marketplace: ${scale.tutors} tutors, ${taskRows.length} open tasks (${elapsed()})`);

  // What autovacuum would have done to a live database since these rows arrived (statistics, hint bits, the
  // visibility map), so the first scenarios do not pay for the bulk load.
  if (knex.client.config.client === 'postgres' || knex.client.config.client === 'pg') await knex.raw('VACUUM ANALYZE');
  const seedSeconds = (Date.now() - started) / 1000;
  console.log(`[bench] seeded ${scaleName} in ${seedSeconds.toFixed(1)} s`);

  // What the scenarios need: bench students with their courses, lessons, quizzes and certificates.
  const benchStudents = Array.from({ length: Math.min(BENCH_STUDENTS, scale.students) }, (_, index) => {
    const enrolled = enrolledCourseIndexes(index);
    const certificate = certificates.find((row) => row.studentIndex === index);
    return {
      username: `student${index}`,
      email: `student${index}@bench.lyceum.local`,
      enrolledCourses: enrolled.map((courseIndex) => courses[courseIndex].documentId),
      lessons: enrolled.flatMap((courseIndex) =>
        lessons
          .slice(courseIndex * LESSONS_PER_COURSE, (courseIndex + 1) * LESSONS_PER_COURSE)
          .map((lesson) => lesson.documentId)
      ),
      quiz: quizzes.find((quiz) => quiz.courseIndex === enrolled[0])?.documentId ?? null,
      assignment: assignments.find((assignment) => assignment.courseIndex === enrolled[0])?.documentId ?? null,
      certificate: certificate ? { documentId: certificate.documentId, code: certificate.code } : null,
      task: taskRows[index]?.documentId ?? null,
      // Courses this student is not in, for the enroll scenario: far from the enrolled ones.
      openCourses: Array.from(
        { length: 50 },
        (_, j) => courses[(index + (ENROLLMENTS_PER_STUDENT + 1) * stride + j * 7 + 1) % scale.courses]
      )
        .map((course) => course.documentId)
        .filter(
          (courseDocumentId) =>
            !enrolled.some((courseIndex) => courses[courseIndex].documentId === courseDocumentId) &&
            courseDocumentId !== gradebookCourse.documentId &&
            courseDocumentId !== examCourse.documentId
        ),
    };
  });
  const plan = {
    scale: scaleName,
    seedSeconds,
    credentialSigning,
    counts: {
      courses: courses.length,
      lessons: lessons.length,
      students: scale.students,
      teachers: teacherCount,
      enrollments: scale.students * ENROLLMENTS_PER_STUDENT + gradebookStudents.length + examStudents.length,
      lessonProgress: scale.students * ENROLLMENTS_PER_STUDENT * COMPLETED_LESSONS_PER_ENROLLMENT,
      quizAttempts: attempts.length,
      reviews: reviews.length,
      certificates: certificates.length,
      posts: scale.posts,
      tutors: scale.tutors,
    },
    password: PASSWORD,
    courseSlugs: courses.slice(0, 500).map((course) => course.slug),
    reviewedCourses: [...new Set(reviews.slice(0, 500).map((review) => review.key.split(':')[1]))],
    gradebook: {
      courseDocumentId: gradebookCourse.documentId,
      teacher: `teacher${gradebookCourseIndex % teacherIds.length}@bench.lyceum.local`,
      students: gradebookStudents.length,
      items: GRADEBOOK_ITEMS,
    },
    certificateCodes: certificates.slice(0, 1000).map((row) => row.code),
    social: { hotPost, posts: scale.posts, follows: SOCIAL_FOLLOWS },
    marketplace: { tutors: scale.tutors, subjects: MARKET_SUBJECTS },
    // The tutor list's filters: the subjects and languages the seeded tutors have.
    tutors: { count: scale.tutors, subjects: subjectRows.map((row) => row.documentId), languages: ['en', 'ru'] },
    shopCourses: shopCourses.map((course) => course.documentId),
    benchStudents,
    drawQuiz: {
      quiz: drawQuiz.documentId,
      bankQuestions: DRAW_BANK_QUESTIONS,
      draws: 3,
      questions: 3 * DRAW_COUNT,
      students: examStudents.slice(0, DRAW_TAKERS).map(({ index }) => `student${index}@bench.lyceum.local`),
    },
    exam: {
      courseDocumentId: examCourse.documentId,
      quiz: exam.documentId,
      questions: EXAM_QUESTIONS,
      students: examStudents.map(({ index }) => `student${index}@bench.lyceum.local`),
    },
  };
  if (planFile) fs.writeFileSync(planFile, JSON.stringify(plan));
  await strapi.destroy();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error, JSON.stringify(error.details ?? {}, null, 1));
    process.exit(1);
  }
);
