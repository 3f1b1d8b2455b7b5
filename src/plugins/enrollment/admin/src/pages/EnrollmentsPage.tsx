import {
  Badge,
  Box,
  Button,
  Dialog,
  Field,
  Flex,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { CoursePicker } from '../../../../../admin/lms/CoursePicker';
import { errorMessage } from '../../../../../admin/lms/errors';
import { PageControls } from '../../../../../admin/lms/PageControls';
import type { Pagination } from '../../../../../admin/lms/types';

interface StudentRow {
  student: { id: number; username: string; fullName: string | null; email: string } | null;
  status: 'active' | 'completed' | 'expired' | 'cancelled';
  progressPercent: number;
  enrolledAt: string | null;
  lastActivityAt: string | null;
  lastLesson: { title: string | null } | null;
}

const PAGE_SIZE = 20;
const when = (value: string | null) => (value ? new Date(value).toLocaleString() : '—');
const statusTone = { active: 'secondary', completed: 'success', expired: 'neutral', cancelled: 'danger' } as const;

export default function EnrollmentsPage() {
  const { get, post, del } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [courseDocumentId, setCourseDocumentId] = React.useState<string | null>(null);
  const [page, setPage] = React.useState(1);
  const [students, setStudents] = React.useState<StudentRow[] | null>(null);
  const [pagination, setPagination] = React.useState<Pagination | null>(null);
  const [email, setEmail] = React.useState('');
  const [isEnrolling, setIsEnrolling] = React.useState(false);

  const load = React.useCallback(async () => {
    if (!courseDocumentId) return;
    try {
      const { data } = await get<{ data: StudentRow[]; meta: { pagination: Pagination } }>(
        `/enrollment/courses/${courseDocumentId}/students`,
        {
          params: { pagination: { page, pageSize: PAGE_SIZE } },
        }
      );
      setStudents(data.data);
      setPagination(data.meta.pagination);
    } catch (error) {
      setStudents([]);
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not load the students') });
    }
  }, [courseDocumentId, page]);

  React.useEffect(() => {
    void load();
  }, [load]);

  const pickCourse = (next: string) => {
    setCourseDocumentId(next);
    setPage(1);
    setStudents(null);
  };

  const enroll = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!courseDocumentId || !email.trim()) return;
    setIsEnrolling(true);
    try {
      await post(`/enrollment/courses/${courseDocumentId}/enrollments`, { email: email.trim() });
      toggleNotification({ type: 'success', message: `${email.trim()} is enrolled` });
      setEmail('');
      await load();
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
      await load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error, 'Could not cancel this enrollment') });
    }
  };

  return (
    <Page.Main aria-label="Enrollments">
      <Page.Title>Enrollments</Page.Title>
      <Layouts.Header
        title="Enrollments"
        subtitle="The students of the courses you teach: enroll them by email, follow their progress, cancel an enrollment."
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
            <CoursePicker source="/enrollment/courses" value={courseDocumentId} onChange={pickCourse} />
          </Box>

          {courseDocumentId && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
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
            </Box>
          )}

          {courseDocumentId && students !== null && (
            <Box>
              {students.length === 0 ? (
                <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
                  <Typography>No students in this course yet.</Typography>
                </Box>
              ) : (
                <Table colCount={7} rowCount={students.length + 1} aria-label="Students of the course">
                  <Thead>
                    <Tr>
                      <Th>
                        <Typography variant="sigma">Student</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Email</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Status</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Progress</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Last activity</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Last lesson</Typography>
                      </Th>
                      <Th>
                        <Typography variant="sigma">Actions</Typography>
                      </Th>
                    </Tr>
                  </Thead>
                  <Tbody>
                    {students.map((row, index) => (
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
              <PageControls pagination={pagination} onPage={setPage} />
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
