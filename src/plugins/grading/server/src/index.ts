import schema from './content-types/quiz-attempt/schema.json';
import gradebookController from './controllers/gradebook';
import quizAttemptsController from './controllers/quiz-attempts';
import submissionsController from './controllers/submissions';
import routes from './routes';
import gradebook from './services/gradebook';
import quizAttempts from './services/quiz-attempts';
import quizResults from './services/quiz-results';
import submissions from './services/submissions';

export default {
  contentTypes: { 'quiz-attempt': { schema } },
  services: { 'quiz-results': quizResults, 'quiz-attempts': quizAttempts, submissions, gradebook },
  controllers: { 'quiz-attempts': quizAttemptsController, submissions: submissionsController, gradebook: gradebookController },
  routes,
};
