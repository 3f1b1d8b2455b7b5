import { factories, type TestCourse, type TestUser } from '../helpers/factories';
import { startLyceum, stopLyceum, type TestApp } from '../helpers/strapi';

let app: TestApp;
let make: ReturnType<typeof factories>;
let owner: TestUser;
let course: TestCourse;
let draftCourse: TestCourse;

const ANSWER_WORDS = ['correct', 'acceptedAnswers', 'numericAnswer', 'tolerance', 'explanation', 'Because it is right'];

const graphql = (query: string, variables: Record<string, unknown> = {}, user: TestUser | null = null) =>
  app.request
    .post('/graphql')
    .set(user ? user.auth : {})
    .send({ query, variables });

const errorOf = (body: any) => body.errors?.[0];

beforeAll(async () => {
  app = await startLyceum();
  make = factories(app.strapi);
  owner = await make.createUser('teacher');
  course = await make.createCourse({ teacher: owner, lessons: 3, freePreviewLessons: 1 });
  draftCourse = await make.createCourse({ teacher: owner, published: false });
});
afterAll(stopLyceum);

describe('the catalog through GraphQL', () => {
  test('lists published courses with category and public teacher profiles, never a teacher email', async () => {
    const response = await graphql(
      `{ courses(filters: { documentId: { eq: "${course.documentId}" } }) { documentId title lessons { title position } teacherProfiles { username fullName } } }`
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const [found] = response.body.data.courses;
    expect(found).toMatchObject({ documentId: course.documentId, title: course.title });
    expect(found.lessons).toHaveLength(3);
    expect(found.teacherProfiles).toEqual([{ username: owner.username, fullName: expect.any(String) }]);
    expect(JSON.stringify(response.body)).not.toContain(owner.email);
  });

  test('asking for drafts still gives only published courses', async () => {
    const response = await graphql(
      `{ courses(status: DRAFT, filters: { documentId: { in: ["${draftCourse.documentId}", "${course.documentId}"] } }) { documentId publishedAt } }`
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.courses.map((found: { documentId: string }) => found.documentId)).toEqual([
      course.documentId,
    ]);
    expect(response.body.data.courses[0].publishedAt).not.toBeNull();
  });

  test('teachers, lesson content and quizzes are not fields of the catalog types', async () => {
    for (const query of [
      `{ courses { teachers { email } } }`,
      `{ lessons { content } }`,
      `{ courses { quizzes { title } } }`,
      `{ lessons { quizzes { questions { options { correct } } } } }`,
    ]) {
      const response = await graphql(query);
      expect(response.status).toBe(400);
      expect(errorOf(response.body).message).toMatch(/Cannot query field/);
    }
  });

  test('private types have no generated queries or mutations', async () => {
    for (const query of [
      `{ enrollments { documentId } }`,
      `{ quizAttempts { documentId } }`,
      `{ certificates { code } }`,
      `{ quizzes { title } }`,
      `{ submissions { documentId } }`,
      `mutation { createCourse(data: { title: "x" }) { documentId } }`,
      `mutation { updateCourse(documentId: "${course.documentId}", data: { title: "taken" }) { documentId } }`,
    ]) {
      const response = await graphql(query, {}, owner);
      expect(response.status).toBe(400);
      expect(errorOf(response.body).message).toMatch(/Cannot query field/);
    }
  });

  test('quiz answers cannot be read or filtered on through any type', async () => {
    const schema = await graphql(`
      {
        __schema {
          types {
            name
            fields {
              name
            }
            inputFields {
              name
            }
          }
        }
      }
    `);
    expect(schema.status).toBe(200);
    const text = JSON.stringify(
      schema.body.data.__schema.types.filter((type: { name: string }) => /Quiz|Option|Question/i.test(type.name))
    );
    for (const word of ANSWER_WORDS.slice(0, 5)) expect(text).not.toContain(`"${word}"`);
  });

  test('invalid GraphQL is a 400 with a message, not a 500', async () => {
    const broken = await graphql(`{ courses { `);
    expect(broken.status).toBe(400);
    expect(errorOf(broken.body).message).toMatch(/Syntax Error/);
    const unknownArgument = await graphql(`
      {
        courses(nonsense: 1) {
          title
        }
      }
    `);
    expect(unknownArgument.status).toBe(400);
    const wrongType = await app.request.post('/graphql').send({ query: 42 });
    expect(wrongType.status).toBe(400);
  });

  test('signing in through GraphQL is refused: REST holds the rate limits', async () => {
    const response = await graphql(
      `mutation { login(input: { identifier: "${owner.email}", password: "Secret-pass-1" }) { jwt } }`
    );
    expect(errorOf(response.body).extensions.code).toBe('FORBIDDEN');
    expect(response.body.data?.login ?? null).toBeNull();
  });
});

describe("a student's learning through GraphQL", () => {
  test('enrolls, reads a lesson, completes it and sees the enrollment, with the REST rules', async () => {
    const student = await make.createUser('student');
    const lesson = course.lessons[1];

    const locked = await graphql(
      `
        query ($id: ID!) {
          lessonContent(documentId: $id)
        }
      `,
      { id: lesson.documentId },
      student
    );
    expect(errorOf(locked.body).extensions).toMatchObject({
      code: 'FORBIDDEN',
      error: { details: { reason: 'not_enrolled' } },
    });

    const enrolled = await graphql(
      `
        mutation ($course: ID!) {
          enroll(course: $course)
        }
      `,
      { course: course.documentId },
      student
    );
    expect(enrolled.body.errors).toBeUndefined();
    expect(enrolled.body.data.enroll).toMatchObject({ status: 'active' });
    const again = await graphql(
      `
        mutation ($course: ID!) {
          enroll(course: $course)
        }
      `,
      { course: course.documentId },
      student
    );
    expect(errorOf(again.body).extensions).toMatchObject({
      code: 'STRAPI_CONFLICT_ERROR',
      error: { details: { reason: 'already_enrolled' } },
    });

    const content = await graphql(
      `
        query ($id: ID!) {
          lessonContent(documentId: $id)
        }
      `,
      { id: lesson.documentId },
      student
    );
    expect(content.body.errors).toBeUndefined();
    expect(content.body.data.lessonContent).toMatchObject({
      documentId: lesson.documentId,
      content: 'Secret content 2',
    });

    const completed = await graphql(
      `
        mutation ($lesson: ID!) {
          completeLesson(lesson: $lesson)
        }
      `,
      { lesson: lesson.documentId },
      student
    );
    expect(completed.body.data.completeLesson).toMatchObject({
      completedLessons: 1,
      totalLessons: 3,
      courseCompleted: false,
    });

    const outline = await graphql(
      `
        query ($id: ID!) {
          courseOutline(documentId: $id)
        }
      `,
      { id: course.documentId },
      student
    );
    expect(
      outline.body.data.courseOutline.find((row: { documentId: string }) => row.documentId === lesson.documentId)
    ).toMatchObject({ completed: true });

    const mine = await graphql(
      `
        {
          myEnrollments
        }
      `,
      {},
      student
    );
    expect(mine.body.data.myEnrollments).toEqual([expect.objectContaining({ status: 'active', progressPercent: 33 })]);
  });

  test('refuses what REST refuses: unpublished courses, anonymous callers, malformed ids', async () => {
    const student = await make.createUser('student');
    const unpublished = await graphql(
      `
        mutation ($course: ID!) {
          enroll(course: $course)
        }
      `,
      { course: draftCourse.documentId },
      student
    );
    expect(errorOf(unpublished.body).extensions).toMatchObject({
      code: 'FORBIDDEN',
      error: { details: { reason: 'not_published' } },
    });

    const anonymous = await graphql(
      `
        mutation ($course: ID!) {
          enroll(course: $course)
        }
      `,
      { course: course.documentId }
    );
    expect(errorOf(anonymous.body).extensions.code).toBe('FORBIDDEN');
    expect(
      await app.strapi.db
        .query('plugin::enrollment.enrollment')
        .count({ where: { key: { $endsWith: `:${draftCourse.documentId}` } } })
    ).toBe(0);

    const malformed = await graphql(
      `
        mutation {
          enroll(course: "../../etc")
        }
      `,
      {},
      student
    );
    expect(errorOf(malformed.body).extensions.code).toBe('BAD_USER_INPUT');

    const anonymousList = await graphql(`
      {
        myEnrollments
      }
    `);
    expect(errorOf(anonymousList.body).extensions.code).toBe('FORBIDDEN');
  });

  test('takes a quiz: questions without answers, one submit, results as the review policy allows', async () => {
    const student = await make.createUser('student');
    await make.enroll(student, course);
    const quiz = await make.createQuiz(course, { lessonIndex: 2, data: { reviewPolicy: 'never' } });

    const started = await graphql(
      `
        mutation ($quiz: ID!) {
          startQuizAttempt(quiz: $quiz)
        }
      `,
      { quiz: quiz.documentId },
      student
    );
    expect(started.body.errors).toBeUndefined();
    const attempt = started.body.data.startQuizAttempt;
    expect(attempt.questions).toHaveLength(3);
    for (const word of ANSWER_WORDS) expect(JSON.stringify(started.body)).not.toContain(word);

    const single = attempt.questions.find((question: { type: string }) => question.type === 'single');
    const answers = [{ question: single.id, choices: [single.options[0].id] }];
    const submitted = await graphql(
      `
        mutation ($attempt: ID!, $answers: [QuizAnswerInput!]!) {
          submitQuizAttempt(attempt: $attempt, answers: $answers)
        }
      `,
      { attempt: attempt.id, answers },
      student
    );
    expect(submitted.body.errors).toBeUndefined();
    expect(submitted.body.data.submitQuizAttempt).toMatchObject({ maxScore: 3 });
    for (const word of ANSWER_WORDS) expect(JSON.stringify(submitted.body)).not.toContain(word);

    const twice = await graphql(
      `
        mutation ($attempt: ID!, $answers: [QuizAnswerInput!]!) {
          submitQuizAttempt(attempt: $attempt, answers: $answers)
        }
      `,
      { attempt: attempt.id, answers },
      student
    );
    expect(errorOf(twice.body).extensions).toMatchObject({
      code: 'STRAPI_CONFLICT_ERROR',
      error: { details: { reason: 'already_submitted' } },
    });

    const stranger = await make.createUser('student');
    const foreign = await graphql(
      `
        mutation ($attempt: ID!, $answers: [QuizAnswerInput!]!) {
          submitQuizAttempt(attempt: $attempt, answers: $answers)
        }
      `,
      { attempt: attempt.id, answers },
      stranger
    );
    expect(['FORBIDDEN', 'STRAPI_NOT_FOUND_ERROR']).toContain(errorOf(foreign.body).extensions.code);

    const badAnswers = await graphql(
      `
        mutation ($attempt: ID!) {
          submitQuizAttempt(attempt: $attempt, answers: [{ question: "one" }])
        }
      `,
      { attempt: attempt.id },
      student
    );
    expect(badAnswers.status).toBe(400);

    const mine = await graphql(
      `
        query ($quiz: ID) {
          myQuizAttempts(quiz: $quiz)
        }
      `,
      { quiz: quiz.documentId },
      student
    );
    expect(mine.body.data.myQuizAttempts).toHaveLength(1);
  });
});

describe('hand-ins and reviews through GraphQL', () => {
  test('a student hands in text and reviews the course; the same refusals as REST', async () => {
    const student = await make.createUser('student');
    const assignment = await make.createAssignment(course);
    const handIn = `mutation($assignment: ID!, $text: String!) { submitAssignment(assignment: $assignment, text: $text) }`;

    const outsider = await graphql(handIn, { assignment: assignment.documentId, text: 'Моё эссе' }, student);
    expect(errorOf(outsider.body).extensions).toMatchObject({
      code: 'FORBIDDEN',
      error: { details: { reason: 'not_enrolled' } },
    });

    await make.enroll(student, course);
    const handed = await graphql(handIn, { assignment: assignment.documentId, text: 'Моё эссе' }, student);
    expect(handed.body.errors).toBeUndefined();
    expect(handed.body.data.submitAssignment).toMatchObject({ status: 'submitted', attempt: 1, text: 'Моё эссе' });
    const blank = await graphql(handIn, { assignment: assignment.documentId, text: '   ' }, student);
    expect(errorOf(blank.body).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      error: { details: { errors: [expect.objectContaining({ path: ['text'] })] } },
    });

    const review = `mutation($course: ID!, $rating: Int!, $body: String!) { createReview(course: $course, rating: $rating, body: $body) }`;
    const outOfRange = await graphql(review, { course: course.documentId, rating: 7, body: 'Great' }, student);
    expect(errorOf(outOfRange.body).extensions.code).toBe('BAD_USER_INPUT');
    const reviewed = await graphql(review, { course: course.documentId, rating: 5, body: 'Great course' }, student);
    expect(reviewed.body.errors).toBeUndefined();
    expect(reviewed.body.data.createReview).toMatchObject({ rating: 5 });
    const twice = await graphql(review, { course: course.documentId, rating: 4, body: 'Again' }, student);
    expect(errorOf(twice.body).extensions).toMatchObject({
      code: 'STRAPI_CONFLICT_ERROR',
      error: { details: { reason: 'already_reviewed' } },
    });

    const stranger = await make.createUser('student');
    const notEnrolled = await graphql(
      review,
      { course: course.documentId, rating: 1, body: 'Never took it' },
      stranger
    );
    expect(errorOf(notEnrolled.body).extensions).toMatchObject({
      code: 'FORBIDDEN',
      error: { details: { reason: 'not_enrolled' } },
    });
  });
});
