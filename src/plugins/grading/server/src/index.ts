import schema from './content-types/quiz-attempt/schema.json';
import quizResults from './services/quiz-results';

export default {
  contentTypes: { 'quiz-attempt': { schema } },
  services: { 'quiz-results': quizResults },
};
