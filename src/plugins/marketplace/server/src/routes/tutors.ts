import { route } from './route';

/** Tutor profiles and tutor reviews (contract "Tutor marketplace"). */
export const tutorRoutes = [
  route('PUT', '/me/tutor-profile', 'tutor-profiles.upsert'),
  route('GET', '/me/tutor-profile', 'tutor-profiles.mine'),
  route('GET', '/tutors', 'tutor-profiles.list'),
  route('GET', '/tutors/:id', 'tutor-profiles.show'),
  route('GET', '/tutors/:id/intro/playback', 'tutor-profiles.introPlayback'),
  route('GET', '/tutors/:id/reviews', 'tutor-reviews.list'),
  route('POST', '/tutors/:id/reviews', 'tutor-reviews.create'),
  route('GET', '/reviews/best', 'tutor-reviews.best'),
];
