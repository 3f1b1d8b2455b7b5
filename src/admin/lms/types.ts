/** The shapes the LMS admin routes answer with (see the plugins' admin controllers). */

/** A course as the pickers list it: /grading/courses leaves out the status. */
export interface CourseOption {
  documentId: string;
  title: string;
  status?: 'published' | 'draft';
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}
