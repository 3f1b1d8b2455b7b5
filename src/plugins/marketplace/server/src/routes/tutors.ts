/** Tutor profiles and tutor reviews (contract "Tutor marketplace"): the routes arrive with their controllers. */
export const tutorRoutes: Array<ReturnType<typeof import('./route').route>> = [];
