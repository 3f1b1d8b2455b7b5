/** What the admin routes under /grading answer (src/plugins/grading/server/src/controllers/admin-grading.ts). */
export interface Student {
  id: number;
  username: string;
  fullName: string | null;
  email: string;
}

export interface CourseRef {
  documentId: string;
  title: string;
}

export interface QueueRow {
  documentId: string;
  student: Student | null;
  course: CourseRef | null;
  assignment: { documentId: string; title: string; maxPoints: number } | null;
  attempt: number;
  status: string;
  isLate: boolean;
  latePenaltyPercent: number;
  submittedAt: string | null;
}

export type GradeStatus = 'graded' | 'returned' | 'resubmit_requested';

/** An assignment's rubric: criteria, each with its levels and their points. */
export interface RubricCriterion {
  criterion: string;
  levels: Array<{ label: string; points: number }>;
}

/** The level a grade by rubric chose for one criterion. */
export interface ChosenLevel {
  criterion: string;
  level: string;
  points: number;
}

export interface SubmissionDetail {
  documentId: string;
  student: Student | null;
  text: string | null;
  files: Array<{ id: number; name: string; url: string; mime: string; size: number }>;
  attempt: number;
  status: 'submitted' | GradeStatus;
  isLate: boolean;
  latePenaltyPercent: number;
  grade: number | null;
  finalGrade: number | null;
  rubric: ChosenLevel[] | null;
  feedback: string | null;
  submittedAt: string | null;
  gradedAt: string | null;
  assignment: {
    documentId: string;
    title: string;
    maxPoints: number;
    latePenaltyPercent: number;
    dueAt: string | null;
    allowLate: boolean;
    rubric: RubricCriterion[] | null;
  };
  course: CourseRef;
}

export interface PreviewQuestion {
  id: number;
  type: 'single' | 'multiple' | 'true_false' | 'short_text' | 'numeric';
  prompt: string;
  points: number;
  partialCredit: boolean;
  explanation: string | null;
  options?: Array<{ id: number; text: string; correct: boolean }>;
  acceptedAnswers?: string[];
  numericAnswer?: number | null;
  tolerance?: number;
}

export interface QuizPreview {
  documentId: string;
  locale: string;
  status: 'draft' | 'published';
  title: string;
  description: string | null;
  course: CourseRef | null;
  lesson: { documentId: string; title: string } | null;
  isFinal: boolean;
  timeLimitSeconds: number | null;
  passingPercent: number;
  maxAttempts: number | null;
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  reviewPolicy: string;
  totalPoints: number;
  questions: PreviewQuestion[];
  /** The quiz's random draws from its course's question banks. */
  draws: Array<{ bank: string; count: number; tags?: string[] }>;
  /** One draw as an attempt would take it (each attempt draws afresh). */
  sampleDraw: PreviewQuestion[];
}

export const studentName = (student: Student | null) =>
  student ? student.fullName || student.username : 'Deleted account';

/** Files on the local provider have a path on this server; elsewhere (S3, a CDN) a full URL. */
export function fileUrl(url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  const backend = (window as unknown as { strapi?: { backendURL?: string } }).strapi?.backendURL ?? '';
  return `${backend}${url}`;
}

export const formatDate = (value: string | null) => (value ? new Date(value).toLocaleString() : '—');

export const STATUS_LABELS: Record<string, string> = {
  submitted: 'Awaiting grade',
  graded: 'Graded',
  returned: 'Returned',
  resubmit_requested: 'Resubmission requested',
};
