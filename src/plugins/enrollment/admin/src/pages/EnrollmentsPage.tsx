import { Badge, Box, Button, Dialog, Field, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { CoursePicker } from '../../../../../admin/lms/CoursePicker';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { errorMessage } from '../../../../../admin/lms/errors';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { PageControls } from '../../../../../admin/lms/PageControls';
import { usePagedList } from '../../../../../admin/lms/usePagedList';
import { WaitlistPanel } from './WaitlistPanel';

interface StudentRow {
  student: { id: number; username: string; fullName: string | null; email: string } | null;
  status: 'active' | 'completed' | 'expired' | 'cancelled';
  progressPercent: number;
  enrolledAt: string | null;
  lastActivityAt: string | null;
  lastLesson: { title: string | null } | null;
}

const when = (value: string | null) => (value ? new Date(value).toLocaleString() : '—');
const statusTone = { active: 'secondary', completed: 'success', expired: 'neutral', cancelled: 'danger' } as const;

export default function EnrollmentsPage() {
  const { post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [courseDocumentId, setCourseDocumentId] = React.useState<string | null>(null);
  const students = usePagedList<StudentRow>(
    courseDocumentId ? `/enrollment/courses/${courseDocumentId}/students` : null,
    { failure: 'Could not load the students' }
  );
  const [email, setEmail] = React.useState('');
  const [isEnrolling, setIsEnrolling] = React.useState(false);
  // Enrolling and cancelling change seats, and so perhaps the waitlist (a freed seat goes to the first in line).
  const [seatChanges, setSeatChanges] = React.useState(0);

  const enroll = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!courseDocumentId || !email.trim()) return;
    setIsEnrolling(true);
    try {
      await post(`/enrollment/courses/${courseDocumentId}/enrollments`, { email: email.trim() });
      toggleNotification({ type: 'success', message: `${email.trim()} is enrolled` });
      setEmail('');
      students.reload();
      setSeatChanges((count) => count + 1);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not enroll this student') });
    } finally {
      setIsEnrolling(false);
    }
  };

  const cancel = async (row: StudentRow) => {
    if (!courseDocumentId || !row.student) return;
    try {
      await del(`/enrollment/courses/${courseDocumentId}/enrollments/${row.student.id}`);
      toggleNotification({ type: 'success', message: `The enrollment of ${row.student.email} is cancelled` });
      students.reload();
      setSeatChanges((count) => count + 1);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not cancel this enrollment') });
    }
  };

  return (
    <LmsPage
      title="Enrollments"
      subtitle="The students of the courses you teach: enroll them by email, follow their progress, cancel an enrollment, manage the waitlist."
    >
      <Panel>
        <CoursePicker source="/enrollment/courses" value={courseDocumentId} onChange={setCourseDocumentId} />
      </Panel>

      {courseDocumentId && (
        <Panel>
          <form onSubmit={(event) => void enroll(event)} aria-label="Enroll a student">
            <Flex gap={4} alignItems="flex-end">
              <Box flex="1">
                <Field.Root name="email" hint="The student's account must already exist.">
                  <Field.Label>Student email</Field.Label>
                  <Field.Input
                    type="email"
                    value={email}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => setEmail(event.target.value)}
                  />
                  <Field.Hint />
                </Field.Root>
              </Box>
              <Button type="submit" loading={isEnrolling} disabled={!email.trim()}>
                Enroll student
              </Button>
            </Flex>
          </form>
        </Panel>
      )}

      {students.error && <ErrorNotice message={students.error} onRetry={students.reload} />}

      {courseDocumentId && students.rows !== null && (
        <Box>
          {students.rows.length === 0 ? (
            <Panel>
              <Typography>No students in this course yet.</Typography>
            </Panel>
          ) : (
            <Table colCount={7} rowCount={students.rows.length + 1} aria-label="Students of the course">
              <ColumnHeads
                names={['Student', 'Email', 'Status', 'Progress', 'Last activity', 'Last lesson', 'Actions']}
              />
              <Tbody>
                {students.rows.map((row, index) => (
                  <Tr key={row.student?.id ?? `row-${index}`}>
                    <Td>
                      <Typography>{row.student?.fullName || row.student?.username || '—'}</Typography>
                    </Td>
                    <Td>
                      <Typography>{row.student?.email ?? '—'}</Typography>
                    </Td>
                    <Td>
                      <Badge
                        backgroundColor={`${statusTone[row.status]}100`}
                        textColor={`${statusTone[row.status]}700`}
                      >
                        {row.status}
                      </Badge>
                    </Td>
                    <Td>
                      <Typography aria-label={`Progress ${row.progressPercent} percent`}>
                        {row.progressPercent} %
                      </Typography>
                    </Td>
                    <Td>
                      <Typography>{when(row.lastActivityAt)}</Typography>
                    </Td>
                    <Td>
                      <Typography>{row.lastLesson?.title ?? '—'}</Typography>
                    </Td>
                    <Td>
                      {row.student && (
                        <Dialog.Root>
                          <Dialog.Trigger>
                            <Button
                              variant="danger-light"
                              size="S"
                              aria-label={`Cancel enrollment of ${row.student.email}`}
                            >
                              Cancel enrollment
                            </Button>
                          </Dialog.Trigger>
                          <Dialog.Content>
                            <Dialog.Header>Cancel this enrollment?</Dialog.Header>
                            <Dialog.Body>
                              <Typography>
                                {row.student.email} loses access to the course. Their progress is kept if they come
                                back.
                              </Typography>
                            </Dialog.Body>
                            <Dialog.Footer>
                              <Dialog.Cancel>
                                <Button variant="tertiary">Keep enrollment</Button>
                              </Dialog.Cancel>
                              <Dialog.Action>
                                <Button variant="danger-light" onClick={() => void cancel(row)}>
                                  Yes, cancel enrollment
                                </Button>
                              </Dialog.Action>
                            </Dialog.Footer>
                          </Dialog.Content>
                        </Dialog.Root>
                      )}
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          <PageControls pagination={students.pagination} onPage={students.setPage} />
        </Box>
      )}

      {courseDocumentId && (
        <WaitlistPanel key={courseDocumentId} courseDocumentId={courseDocumentId} changes={seatChanges} />
      )}
    </LmsPage>
  );
}
