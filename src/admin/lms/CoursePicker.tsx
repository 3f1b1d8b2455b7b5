import { Field, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import type { CourseOption } from './types';
import { useAdminData } from './usePagedList';

interface CoursePickerProps {
  /** The admin route listing the caller's courses, e.g. /enrollment/courses. */
  source: string;
  /** The picked course's documentId; '' or null for none (or for every course, with `allCourses`). */
  value: string | null;
  onChange: (courseDocumentId: string) => void;
  /** Offers "every course" first, under this label; picking it calls onChange(''). */
  allCourses?: string;
}

const ALL = '*';

/** A teacher picks among the courses they teach; a Super Admin among all. Labelled "Course". */
export function CoursePicker({ source, value, onChange, allCourses }: CoursePickerProps) {
  const { data, error } = useAdminData<{ data: CourseOption[] }>(source, undefined, 'Could not load your courses');
  const courses = error ? [] : (data?.data ?? null);
  const selected = allCourses && !value ? ALL : value;
  const hint = courses?.length === 0 && !error ? 'No course to show: you teach none yet.' : undefined;

  return (
    <Field.Root name="course" width="100%" hint={hint} error={error ?? undefined}>
      <Field.Label>Course</Field.Label>
      <SingleSelect
        aria-label="Course"
        placeholder={courses === null ? 'Loading courses…' : 'Pick a course'}
        value={selected}
        onChange={(next) => onChange(next === ALL ? '' : String(next))}
        disabled={courses === null || (!allCourses && courses.length === 0)}
      >
        {allCourses && <SingleSelectOption value={ALL}>{allCourses}</SingleSelectOption>}
        {(courses ?? []).map((course) => (
          <SingleSelectOption key={course.documentId} value={course.documentId}>
            {course.status === 'draft' ? `${course.title} (draft)` : course.title}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
}
