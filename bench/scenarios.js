'use strict';
const crypto = require('crypto');
// What `npm run bench` measures. Each scenario is an autocannon run against the production build: a path
// (or a sequence of requests) rotated over many distinct users, and the statuses it is expected to return.

const json = (token) => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});
/** Round-robin over lists: consecutive requests come from different students, as they do from real ones. */
const interleave = (lists) => {
  const longest = Math.max(0, ...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, index) =>
    lists.filter((list) => index < list.length).map((list) => list[index])
  ).flat();
};
/** A submit body answering every question of a started attempt with its first option. */
const firstOptionAnswers = (attempt) =>
  JSON.stringify({
    answers: (attempt?.questions ?? []).map((question) => ({
      question: question.id,
      choices: [question.options[0].id],
    })),
  });
const rotate = (items) => {
  let next = 0;
  return () => items[next++ % items.length];
};

const CATALOG_QUERY =
  '/api/courses?filters[level][$eq]=beginner&sort[0]=title:asc&populate[0]=category&populate[1]=teachers&populate[2]=cover&pagination[pageSize]=20';

/**
 * Tutor marketplace: the public tutor list with filters (subject, language, price ceiling, minimum rating) and a
 * sort, rotating over subjects, languages, ceilings and sorts so each request asks something else (uncached: the
 * list has no response cache, and no two consecutive requests repeat a query). Target p95 < 50 ms.
 */
function tutorScenarios(plan) {
  if (!plan.tutors?.count) return [];
  const { subjects, languages } = plan.tutors;
  const sorts = ['rating', 'price', 'experience'];
  let next = 0;
  return [
    {
      name: 'tutors-filtered',
      title: `tutor list with filters, uncached (${plan.tutors.count.toLocaleString('en')} tutors; target p95 < 50 ms)`,
      // A latency target: one request at a time, as for the other p95 rows.
      maxConnections: 1,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const index = next++;
            const query = new URLSearchParams({
              subject: subjects[index % subjects.length],
              language: languages[(index * 5) % languages.length],
              priceMax: String(40 + ((index * 7) % 110)),
              ratingMin: String((index * 3) % 5),
              sort: sorts[index % sorts.length],
              pageSize: '20',
            });
            return { ...request, path: `/api/tutors?${query}`, headers: json() };
          },
        },
      ],
      expect: [200],
    },
  ];
}

/**
 * Social learning: the recommended feed of students who follow 200 authors among all the seeded posts, and likes on
 * one hot post. Each like request toggles its student's like (PUT, then DELETE next time), so every request writes
 * a like row and moves the counter; the counter's exactness under concurrency is proven by the integration tests.
 */
function socialScenarios(plan, students) {
  if (!plan.social) return [];
  const nextReader = rotate(students);
  const liked = new Map();
  let nextLiker = 0;
  return [
    {
      name: 'feed-recommended',
      title: `feed, recommended: students following ${plan.social.follows} authors, ${plan.social.posts.toLocaleString('en')} posts (target p95 < 50 ms)`,
      // A latency target: one request at a time, as for the other p95 rows.
      maxConnections: 1,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: '/api/feed?sort=recommended',
            headers: json(nextReader().token),
          }),
        },
      ],
      expect: [200],
    },
    {
      name: 'like-hot-post',
      title: 'likes on one hot post (distinct students, like and unlike in turn; target ≥ 500/s)',
      requests: [
        {
          method: 'PUT',
          setupRequest: (request) => {
            const index = nextLiker++ % students.length;
            const isLiked = liked.get(index) === true;
            liked.set(index, !isLiked);
            return {
              ...request,
              method: isLiked ? 'DELETE' : 'PUT',
              path: `/api/posts/${plan.social.hotPost}/like`,
              headers: json(students[index].token),
            };
          },
        },
      ],
      expect: [200],
    },
  ];
}

/**
 * Tutor marketplace: a task's matches (its author asks), ranked in one statement over the tutors of the task's
 * subject among all the seeded tutors (`scale.tutors`: 50,000 at --scale=large).
 */
function marketplaceScenarios(plan, students) {
  const authors = students.filter((student) => student.task);
  if (!plan.marketplace || !authors.length) return [];
  const nextAuthor = rotate(authors);
  return [
    {
      name: 'task-matches',
      title: `tasks/:id/matches: ${plan.marketplace.tutors.toLocaleString('en')} tutors in ${plan.marketplace.subjects} subjects (target p95 < 50 ms)`,
      // A latency target: one request at a time, as for the other p95 rows.
      maxConnections: 1,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const author = nextAuthor();
            return { ...request, path: `/api/tasks/${author.task}/matches`, headers: json(author.token) };
          },
        },
      ],
      expect: [200],
    },
  ];
}

/** Searches over what the seed wrote: course and lesson titles, summaries, article bodies; some broad, some narrow. */
const SEARCH_QUERIES = [
  'course',
  'lessons',
  'learning article',
  'depth',
  'teaches',
  ...Array.from({ length: 20 }, (_, index) => `course ${String(index * 37).padStart(6, '0')}`),
];
/** What people type into a search box: prefixes, and prefixes with a typo. */
const SUGGEST_QUERIES = ['cour', 'cours', 'curse 0001', 'lesso', 'lesson 3 of', 'artcle', 'articl 1', 'Course 00012'];

/**
 * @param {object} plan what bench/seed.js seeded
 * @param {object} sessions tokens: { students: [{ token, ...benchStudent }], teacher }
 * @param {number} pass 0 for the first pass, 1 for the second (write scenarios use fresh data per pass)
 */
function scenarios(plan, sessions, pass) {
  const students = sessions.students;
  const nextStudent = rotate(students);
  const nextSlug = rotate(plan.courseSlugs);
  const nextReviewedCourse = rotate(plan.reviewedCourses);
  const nextCode = rotate(plan.certificateCodes);
  // A student's own requests never overlap here: ten at once from one student would queue on their enrollment row.
  const lessonsOfStudents = interleave(
    students.map((student) => student.lessons.map((lesson) => ({ token: student.token, lesson })))
  );
  const nextLesson = rotate(lessonsOfStudents);
  // Enroll: every request a pair never enrolled before; each pass takes its own half of the open courses.
  const enrollPairs = interleave(
    students.map((student) =>
      student.openCourses.filter((_, index) => index % 2 === pass).map((course) => ({ token: student.token, course }))
    )
  );
  const nextEnrollPair = rotate(enrollPairs);
  // Purchase: every order a pair never bought before (each pass its own half of the shop), paid by the signed
  // sandbox webhook; the events sent are replayed by webhook-replay. In each round every student buys one course,
  // each a different one (student s the course s + round), as a shop's buyers spread over its courses: with every
  // student's first course first, the ten connections all bought one course at a time and queued on that course's
  // seat row (each enrollment counts itself there), a launch-day peak rather than a shop's day.
  const passShop = (plan.shopCourses ?? []).filter((_, index) => index % 2 === pass);
  const purchasePairs = interleave(
    students.map((student, studentIndex) =>
      passShop.map((_, round) => ({ token: student.token, course: passShop[(studentIndex + round) % passShop.length] }))
    )
  );
  const nextPurchasePair = rotate(purchasePairs);
  const paidEvents = [];
  const nextPaidEvent = rotate(paidEvents);
  const sandboxWebhook = (event) => {
    const body = JSON.stringify(event);
    const signature = crypto
      .createHmac('sha256', plan.sandboxSecret ?? '')
      .update(body)
      .digest('hex');
    return {
      method: 'POST',
      path: '/api/payments/webhooks/sandbox',
      headers: { 'content-type': 'application/json', 'x-sandbox-signature': signature },
      body,
    };
  };
  const holders = students.filter((student) => student.certificate);
  const nextHolder = rotate(holders);
  const quizTakers = students.filter((student) => student.quiz);
  let quizTakerIndex = 0;
  let submits = []; // the quiz-submit round's started attempts, each submitted once
  const writers = students.filter((student) => student.assignment);
  let writerIndex = 0;
  // The random quiz: each round starts one attempt per taker (measured), and the next round's preparation submits
  // them unmeasured, so every measured start draws a new attempt rather than handing an open one back. Its takers
  // are students of the exam's course (the bench students are not), signed in by the first preparation.
  const drawTakerEmails = plan.drawQuiz?.students ?? [];
  let drawTakers = null;
  let drawStartQueue = [];
  let drawOpened = [];

  const nextSearch = rotate(SEARCH_QUERIES);
  const nextSuggest = rotate(SUGGEST_QUERIES);

  const list = [
    {
      name: 'health',
      title: '`/_health` (ceiling)',
      requests: [{ method: 'GET', path: '/_health' }],
      expect: [204, 200],
    },
    {
      name: 'catalog',
      title: 'catalog list: filter + sort + populate category, teachers, cover',
      requests: [{ method: 'GET', path: CATALOG_QUERY }],
      expect: [200],
    },
    {
      name: 'course-by-slug',
      title: 'course detail by slug',
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: `/api/courses?filters[slug][$eq]=${nextSlug()}&populate[0]=category&populate[1]=teachers`,
          }),
        },
      ],
      expect: [200],
      warmUp: plan.courseSlugs.map(
        (slug) => `/api/courses?filters[slug][$eq]=${slug}&populate[0]=category&populate[1]=teachers`
      ),
    },
    {
      name: 'reviews',
      title: "a course's public reviews page",
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: `/api/courses/${nextReviewedCourse()}/reviews` }),
        },
      ],
      expect: [200],
      warmUp: plan.reviewedCourses.map((course) => `/api/courses/${course}/reviews`),
    },
    {
      name: 'articles',
      title: 'article list',
      requests: [{ method: 'GET', path: '/api/articles?sort[0]=publishedAt:desc&pagination[pageSize]=10' }],
      expect: [200],
    },
    {
      name: 'outline',
      title: 'course outline for an enrolled student',
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const student = nextStudent();
            return {
              ...request,
              path: `/api/courses/${student.enrolledCourses[0]}/outline`,
              headers: json(student.token),
            };
          },
        },
      ],
      expect: [200],
    },
    {
      name: 'lesson',
      title: 'lesson content (enrolled student)',
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const { token, lesson } = nextLesson();
            return { ...request, path: `/api/lessons/${lesson}`, headers: json(token) };
          },
        },
      ],
      expect: [200],
    },
    {
      name: 'enroll',
      title: 'enroll (distinct student × course pairs)',
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const { token, course } = nextEnrollPair();
            return { ...request, path: `/api/courses/${course}/enrollments`, headers: json(token), body: '{}' };
          },
        },
      ],
      expect: [201],
      // A fixed number of requests: more than the pairs would re-enroll someone (409 by design).
      amount: Math.min(enrollPairs.length, 4000),
    },
    {
      name: 'purchase',
      title: 'purchase: create order + sandbox webhook → enrolled (2 requests)',
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            const { token, course } = nextPurchasePair();
            context.order = null;
            return {
              ...request,
              path: '/api/orders',
              headers: json(token),
              body: JSON.stringify({ courses: [course], provider: 'sandbox' }),
            };
          },
          onResponse: (status, body, context) => {
            context.order = status === 201 ? JSON.parse(body).data.documentId : null;
          },
        },
        {
          method: 'POST',
          setupRequest: (request, context) => {
            const event = {
              id: `bench_${context.order ?? 'none'}`,
              type: 'payment.succeeded',
              order: context.order ?? 'none',
            };
            if (context.order) paidEvents.push(event);
            return { ...request, ...sandboxWebhook(event) };
          },
        },
      ],
      expect: [200, 201],
      // Each purchase is two requests; a pair bought twice would be 409 already_purchased.
      amount: Math.min(purchasePairs.length, 2000) * 2,
      requestsPerUnit: 2,
    },
    {
      name: 'webhook-replay',
      title: "webhook replay: the purchases' events sent again (run after purchase)",
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            ...sandboxWebhook(nextPaidEvent() ?? { id: 'none', type: 'x', order: 'none' }),
          }),
        },
      ],
      expect: [200],
    },
    {
      name: 'complete-lesson',
      title: 'complete a lesson',
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const { token, lesson } = nextLesson();
            return { ...request, path: `/api/lessons/${lesson}/complete`, headers: json(token), body: '{}' };
          },
        },
      ],
      expect: [200],
    },
    {
      name: 'quiz',
      title: 'start + submit a 20-question quiz (2 requests)',
      // One student per connection, so no two connections share an open attempt.
      maxConnections: quizTakers.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            context.student ??= quizTakers[quizTakerIndex++ % quizTakers.length];
            return {
              ...request,
              path: `/api/quizzes/${context.student.quiz}/attempts`,
              headers: json(context.student.token),
              body: '{}',
            };
          },
          onResponse: (status, body, context) => {
            context.attempt = status === 200 || status === 201 ? JSON.parse(body).data : null;
          },
        },
        {
          method: 'POST',
          setupRequest: (request, context) => {
            const attempt = context.attempt;
            return {
              ...request,
              path: `/api/quiz-attempts/${attempt?.id ?? 0}/submit`,
              headers: json(context.student.token),
              body: firstOptionAnswers(attempt),
            };
          },
        },
      ],
      expect: [200, 201],
    },
    {
      name: 'quiz-submit',
      title: 'submit a 20-question quiz (attempts started unmeasured)',
      // #5's target counts submits. A student holds one open attempt per quiz, so each round first starts one
      // attempt per quiz taker without measuring, then measures their submits; the rounds add up.
      rounds: 10,
      prepare: async (request) => {
        const queue = [...quizTakers];
        const started = [];
        const worker = async () => {
          for (let student = queue.shift(); student; student = queue.shift()) {
            const response = await request('POST', `/api/quizzes/${student.quiz}/attempts`, {}, student.token);
            if (response.status !== 200 && response.status !== 201)
              throw new Error(`starting an attempt answered ${response.status}: ${JSON.stringify(response.body)}`);
            const attempt = response.body.data;
            started.push({ token: student.token, attempt: attempt.id, body: firstOptionAnswers(attempt) });
          }
        };
        await Promise.all(Array.from({ length: 4 }, worker));
        submits = started;
        return started.length;
      },
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const submit = submits.pop();
            return {
              ...request,
              path: `/api/quiz-attempts/${submit?.attempt ?? 0}/submit`,
              headers: json(submit?.token),
              body: submit?.body ?? '{}',
            };
          },
        },
      ],
      expect: [200],
    },
    {
      name: 'quiz-start-draws',
      title: `quiz start with a 3-draw random quiz from a ${plan.drawQuiz?.bankQuestions ?? 500}-question bank`,
      rounds: 5,
      // A latency target (p95 < 30 ms): one start at a time, as for the gradebook and the certificate PDF.
      maxConnections: 1,
      prepare: async (request) => {
        if (!drawTakers) {
          drawTakers = [];
          for (const email of drawTakerEmails) {
            const response = await request('POST', '/api/auth/local', { identifier: email, password: plan.password });
            if (response.status !== 200) throw new Error(`signing in ${email} answered ${response.status}`);
            drawTakers.push({ token: response.body.jwt, quiz: plan.drawQuiz.quiz });
          }
        }
        const opened = drawOpened;
        drawOpened = [];
        const worker = async () => {
          for (let attempt = opened.shift(); attempt; attempt = opened.shift()) {
            const response = await request(
              'POST',
              `/api/quiz-attempts/${attempt.id}/submit`,
              { answers: [] },
              attempt.token
            );
            if (response.status !== 200)
              throw new Error(
                `submitting a drawn attempt answered ${response.status}: ${JSON.stringify(response.body)}`
              );
          }
        };
        await Promise.all(Array.from({ length: 4 }, worker));
        drawStartQueue = [...drawTakers];
        return drawTakers.length;
      },
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            context.taker = drawStartQueue.shift() ?? drawTakers?.[0];
            return {
              ...request,
              path: `/api/quizzes/${context.taker?.quiz}/attempts`,
              headers: json(context.taker?.token),
              body: '{}',
            };
          },
          onResponse: (status, body, context) => {
            if (status === 200 || status === 201)
              drawOpened.push({ id: JSON.parse(body).data.id, token: context.taker.token });
          },
        },
      ],
      expect: [201],
    },
    {
      name: 'submit-assignment',
      title: 'hand in an assignment (text)',
      // One student per connection: a student's hand-ins replace each other in turn.
      maxConnections: writers.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            context.student ??= writers[writerIndex++ % writers.length];
            return {
              ...request,
              path: `/api/assignments/${context.student.assignment}/submissions`,
              headers: json(context.student.token),
              body: JSON.stringify({ text: 'My essay, revised once more.' }),
            };
          },
        },
      ],
      expect: [201],
    },
    {
      name: 'gradebook',
      title: `gradebook of a ${plan.gradebook.students}-student course, ${plan.gradebook.items} items`,
      requests: [
        {
          method: 'GET',
          path: `/api/courses/${plan.gradebook.courseDocumentId}/gradebook`,
          headers: json(sessions.teacher),
        },
      ],
      expect: [200],
      // Its target is the time of one request (a teacher opening the gradebook), not throughput under load.
      maxConnections: 1,
    },
    {
      name: 'certificate-pdf',
      title: 'certificate PDF (holder)',
      // Its target is the time to make one PDF: one connection, so no request waits behind another.
      maxConnections: 1,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const holder = nextHolder();
            return {
              ...request,
              path: `/api/certificates/${holder.certificate.documentId}/pdf`,
              headers: json(holder.token),
            };
          },
        },
      ],
      expect: [200],
    },
    {
      name: 'certificate-verify',
      title: 'certificate verification (public)',
      requests: [
        { method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/certificates/verify/${nextCode()}` }) },
      ],
      expect: [200],
      warmUp: plan.certificateCodes.map((code) => `/api/certificates/verify/${code}`),
    },
    {
      name: 'credential-fetch',
      title: 'signed credential of a certificate (public, target ≥ 1,000/s)',
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: `/api/certificates/verify/${nextCode()}/credential` }),
        },
      ],
      expect: [200],
    },
    {
      name: 'status-list-fetch',
      title: 'revocation status list (public, target ≥ 2,000/s)',
      requests: [{ method: 'GET', path: '/api/credentials/status/1' }],
      expect: [200],
    },
    {
      name: 'search',
      title: 'search: full text with facets, first page of 10',
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: `/api/search?q=${encodeURIComponent(nextSearch())}` }),
        },
      ],
      expect: [200],
    },
    {
      name: 'suggest',
      title: 'search suggestions (typo-tolerant completions)',
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: `/api/search/suggest?q=${encodeURIComponent(nextSuggest())}`,
          }),
        },
      ],
      expect: [200],
    },
    {
      name: 'graphql-catalog',
      title: 'GraphQL catalog query',
      requests: [
        {
          method: 'POST',
          path: '/graphql',
          headers: json(),
          body: JSON.stringify({
            query:
              '{ courses(pagination: { pageSize: 20 }, sort: "title:asc") { documentId title slug level category { name } } }',
          }),
        },
      ],
      expect: [200],
    },
    ...socialScenarios(plan, students),
    ...marketplaceScenarios(plan, students),
    ...tutorScenarios(plan),
  ];
  return list;
}

/**
 * Exam start: every exam student starts the course's 16-question final test within `seconds` (requests sent at an
 * even rate, each from another student), then every one submits the attempt it got, at the same rate. The start
 * is the target (zero errors, p95 under 1 s on 2 cores); the submit is measured beside it.
 * @param {object} plan what bench/seed.js seeded (plan.exam)
 * @param {Array<{ token: string }>} takers the exam students, signed in
 */
function examScenarios(plan, takers, seconds = 10) {
  const rate = Math.max(1, Math.round(takers.length / seconds));
  // As many connections as requests can be waiting at once: a slow answer must not hold back the next start.
  const connections = Math.min(takers.length, 500);
  let nextTaker = 0;
  const started = [];
  let nextSubmit = 0;
  return [
    {
      name: 'exam-start',
      title: `exam start: ${takers.length.toLocaleString('en')} students start a ${plan.exam.questions}-question test within ${seconds} s`,
      amount: takers.length,
      overallRate: rate,
      connections,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            context.taker = takers[nextTaker++ % takers.length];
            return {
              ...request,
              path: `/api/quizzes/${plan.exam.quiz}/attempts`,
              headers: json(context.taker.token),
              body: '{}',
            };
          },
          onResponse: (status, body, context) => {
            if (status === 200 || status === 201)
              started.push({ token: context.taker.token, attempt: JSON.parse(body).data });
          },
        },
      ],
      expect: [200, 201],
    },
    {
      name: 'exam-submit',
      title: `exam submit: the same students submit their attempts (${seconds} s)`,
      get amount() {
        return started.length;
      },
      overallRate: rate,
      connections,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const submit = started[nextSubmit++ % Math.max(1, started.length)];
            return {
              ...request,
              path: `/api/quiz-attempts/${submit?.attempt?.id ?? 0}/submit`,
              headers: json(submit?.token),
              body: firstOptionAnswers(submit?.attempt),
            };
          },
        },
      ],
      expect: [200],
    },
  ];
}

/** The stock core controller next to Lyceum's own catalog route (`--compare`). */
const compareScenarios = () => [
  {
    name: 'catalog-lyceum',
    title: "catalog list through Lyceum's course controller",
    requests: [{ method: 'GET', path: CATALOG_QUERY.replace('&populate[1]=teachers', '') }],
    expect: [200],
  },
  {
    name: 'catalog-stock',
    title: "catalog list through Strapi's stock core controller",
    requests: [
      {
        method: 'GET',
        path: CATALOG_QUERY.replace('/api/courses', '/api/bench-stock/courses').replace('&populate[1]=teachers', ''),
      },
    ],
    expect: [200],
  },
];

module.exports = { scenarios, compareScenarios, examScenarios, SEARCH_QUERIES, SUGGEST_QUERIES };
