/** The shapes the LMS admin routes answer with (see the plugins' admin controllers). */
export interface ManageableCourse {
  documentId: string;
  title: string;
  status: 'published' | 'draft';
  studentsCount: number;
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}
