import schema from './content-types/quiz-attempt/schema.json';

// The grading rules (services, routes) arrive with their own issue; the plugin already owns its data.
export default {
  contentTypes: { 'quiz-attempt': { schema } },
};
