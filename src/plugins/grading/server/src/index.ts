import type { Core } from '@strapi/strapi';
import { provideQuizRequirements } from '../../../progress/server/src/facade';
import { registerAdminActions } from './admin-actions';
import { enforceTeachingContentRules } from './content-rules';
import { assertAnswerKeyPrivate } from './rules/answer-visibility';
import schema from './content-types/quiz-attempt/schema.json';
import adminGradingController from './controllers/admin-grading';
import gradebookController from './controllers/gradebook';
import quizAttemptsController from './controllers/quiz-attempts';
import submissionsController from './controllers/submissions';
import routes from './routes';
import gradebook from './services/gradebook';
import gradingQueue from './services/grading-queue';
import quizAttempts from './services/quiz-attempts';
import questionBanks from './services/question-banks';
import quizPreview from './services/quiz-preview';
import quizResults from './services/quiz-results';
import submissions from './services/submissions';

type QuizResults = ReturnType<typeof quizResults>;

export default {
  /** Grading reports passes to progress, which decides completion: it answers progress's questions about quizzes. */
  register({ strapi }: { strapi: Core.Strapi }) {
    const results = () => strapi.plugin('grading').service('quiz-results') as QuizResults;
    provideQuizRequirements(strapi, {
      requiredQuizDocumentIds: (courseDocumentId) => results().requiredQuizDocumentIds(courseDocumentId),
      requiredQuizzesOfLesson: (lessonDocumentId, courseDocumentId) =>
        results().requiredQuizzesOfLesson(lessonDocumentId, courseDocumentId),
      passedQuizDocumentIds: (userId, quizDocumentIds) => results().passedQuizDocumentIds(userId, quizDocumentIds),
    });
    enforceTeachingContentRules(strapi, () => strapi.plugin('grading').service('question-banks'));
  },
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    assertAnswerKeyPrivate(strapi);
    await registerAdminActions(strapi);
  },
  contentTypes: { 'quiz-attempt': { schema } },
  services: {
    'quiz-results': quizResults,
    'quiz-attempts': quizAttempts,
    submissions,
    gradebook,
    'grading-queue': gradingQueue,
    'quiz-preview': quizPreview,
    'question-banks': questionBanks,
  },
  controllers: {
    'quiz-attempts': quizAttemptsController,
    submissions: submissionsController,
    gradebook: gradebookController,
    'admin-grading': adminGradingController,
  },
  routes,
};
