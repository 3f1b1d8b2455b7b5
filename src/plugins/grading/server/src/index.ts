import schema from './content-types/quiz-attempt/schema.json';
import quizAttemptsController from './controllers/quiz-attempts';
import routes from './routes';
import quizAttempts from './services/quiz-attempts';
import quizResults from './services/quiz-results';

export default {
  contentTypes: { 'quiz-attempt': { schema } },
  services: { 'quiz-results': quizResults, 'quiz-attempts': quizAttempts },
  controllers: { 'quiz-attempts': quizAttemptsController },
  routes,
};
