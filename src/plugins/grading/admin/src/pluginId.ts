export const PLUGIN_ID = 'grading';

/** The admin actions of src/plugins/grading/server/src/admin-actions.ts. */
export const GRADE_PERMISSIONS = [{ action: 'plugin::grading.queue.grade', subject: null }];
export const QUIZ_PREVIEW_PERMISSIONS = [{ action: 'plugin::grading.quiz.preview', subject: null }];
