import { Field, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { errorMessage } from './errors';
import type { ManageableCourse } from './types';

interface CoursePickerProps {
  /** The admin route listing the caller's courses, e.g. /enrollment/courses. */
  source: string;
  value: string | null;
  onChange: (courseDocumentId: string) => void;
}

/** A teacher picks among the courses they teach; a Super Admin among all. Labelled "Course". */
export function CoursePicker({ source, value, onChange }: CoursePickerProps) {
  const { get } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [courses, setCourses] = React.useState<ManageableCourse[] | null>(null);

  React.useEffect(() => {
    let isCurrent = true;
    get<{ data: ManageableCourse[] }>(source)
      .then(({ data }) => isCurrent && setCourses(data.data))
      .catch((error) => {
        if (!isCurrent) return;
        setCourses([]);
        toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not load your courses') });
      });
    return () => {
      isCurrent = false;
    };
  }, [source]);

  return (
    <Field.Root
      name="course"
      width="100%"
      hint={courses?.length === 0 ? 'No course to show: you teach none yet.' : undefined}
    >
      <Field.Label>Course</Field.Label>
      <SingleSelect
        aria-label="Course"
        placeholder={courses === null ? 'Loading courses…' : 'Pick a course'}
        value={value}
        onChange={(next) => onChange(String(next))}
        disabled={!courses?.length}
      >
        {(courses ?? []).map((course) => (
          <SingleSelectOption key={course.documentId} value={course.documentId}>
            {course.status === 'draft' ? `${course.title} (draft)` : course.title}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Hint />
    </Field.Root>
  );
}
