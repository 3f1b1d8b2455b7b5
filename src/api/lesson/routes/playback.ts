// The lesson's video for those who may read the lesson (src/api/lesson/content/lesson-playback.ts).
export default {
  routes: [
    {
      method: 'GET',
      path: '/lessons/:documentId/playback',
      handler: 'api::lesson.lesson.playback',
      config: { policies: [] },
    },
  ],
};
