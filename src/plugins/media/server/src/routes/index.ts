import { LMS_PAGE_ACTIONS, lmsAdminRoutes } from '../../../../../access/admin-route';

const adminRoute = lmsAdminRoutes(LMS_PAGE_ACTIONS.lessonVideo.id);

export default {
  // The lesson edit view's video panel, served under /media.
  admin: {
    type: 'admin',
    routes: [
      adminRoute('GET', '/lessons/:documentId/video', 'admin-lesson-video.show'),
      adminRoute('POST', '/lessons/:documentId/video/retry', 'admin-lesson-video.retry'),
    ],
  },
};
