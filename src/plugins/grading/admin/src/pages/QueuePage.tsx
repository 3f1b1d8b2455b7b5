import * as React from 'react';
import { Layouts, Page, useFetchClient } from '@strapi/admin/strapi-admin';
import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Field,
  Flex,
  Link,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { ArrowLeft, ArrowRight } from '@strapi/icons';
import { NavLink, useNavigate, useSearchParams } from 'react-router-dom';
import { errorOf, formatDate, studentName, type CourseRef, type Pagination, type QueueRow } from '../api';
import { PLUGIN_ID } from '../pluginId';

const ALL = 'all';
const PAGE_SIZE = 20;

type QueueState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; rows: QueueRow[]; pagination: Pagination };

/** Work waiting for a grade in the caller's courses, oldest first. */
export const QueuePage = () => {
  const { get } = useFetchClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const course = params.get('course') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [courses, setCourses] = React.useState<CourseRef[] | null>(null);
  const [queue, setQueue] = React.useState<QueueState>({ status: 'loading' });

  React.useEffect(() => {
    let live = true;
    get<{ data: CourseRef[] }>('/grading/courses')
      .then(({ data }) => live && setCourses(data.data))
      .catch(() => live && setCourses([]));
    return () => {
      live = false;
    };
  }, [get]);

  React.useEffect(() => {
    let live = true;
    setQueue({ status: 'loading' });
    get<{ data: QueueRow[]; meta: { pagination: Pagination } }>('/grading/queue', {
      params: { ...(course ? { course } : {}), page, pageSize: PAGE_SIZE },
    })
      .then(({ data }) => live && setQueue({ status: 'ready', rows: data.data, pagination: data.meta.pagination }))
      .catch((error) => live && setQueue({ status: 'error', message: errorOf(error).message }));
    return () => {
      live = false;
    };
  }, [get, course, page]);

  const goTo = (next: { course?: string; page?: number }) => {
    const nextCourse = next.course ?? course;
    const nextPage = next.page ?? 1;
    const search = new URLSearchParams();
    if (nextCourse) search.set('course', nextCourse);
    if (nextPage > 1) search.set('page', String(nextPage));
    setParams(search);
  };
  const open = (row: QueueRow) =>
    navigate(`/plugins/${PLUGIN_ID}/${row.documentId}`, { state: { back: params.toString() } });

  const pagination = queue.status === 'ready' ? queue.pagination : null;
  return (
    <Page.Main>
      <Page.Title>Grading queue</Page.Title>
      <Layouts.Header
        title="Grading queue"
        subtitle={
          pagination
            ? `${pagination.total} ${pagination.total === 1 ? 'submission awaits' : 'submissions await'} grading, oldest first`
            : 'Submissions awaiting grading'
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Box maxWidth="40rem">
            <Field.Root name="course" id="grading-course">
              <Field.Label>Course</Field.Label>
              <SingleSelect
                value={course || ALL}
                onChange={(value) => goTo({ course: value === ALL ? '' : String(value) })}
                disabled={courses === null}
              >
                <SingleSelectOption value={ALL}>All courses</SingleSelectOption>
                {(courses ?? []).map((option) => (
                  <SingleSelectOption key={option.documentId} value={option.documentId}>
                    {option.title}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Field.Root>
          </Box>

          {queue.status === 'loading' && <Page.Loading>Loading the grading queue</Page.Loading>}
          {queue.status === 'error' && (
            <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
              <Typography textColor="danger600" role="alert">
                {queue.message}
              </Typography>
            </Box>
          )}
          {queue.status === 'ready' && queue.rows.length === 0 && (
            <EmptyStateLayout
              content={course ? 'Nothing to grade in this course' : 'Nothing to grade: every submission is graded'}
            />
          )}
          {queue.status === 'ready' && queue.rows.length > 0 && (
            <>
              <Table colCount={7} rowCount={queue.rows.length + 1} aria-label="Submissions awaiting grading">
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">Student</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Course</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Assignment</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Attempt</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Submitted</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Late</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">Open</Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {queue.rows.map((row) => (
                    <Tr key={row.documentId} onClick={() => open(row)} style={{ cursor: 'pointer' }}>
                      <Td>
                        <Typography fontWeight="semiBold">{studentName(row.student)}</Typography>
                        {row.student && (
                          <Typography tag="p" variant="pi" textColor="neutral600">
                            {row.student.email}
                          </Typography>
                        )}
                      </Td>
                      <Td>
                        <Typography>{row.course?.title ?? '—'}</Typography>
                      </Td>
                      <Td>
                        <Typography>{row.assignment?.title ?? '—'}</Typography>
                      </Td>
                      <Td>
                        <Typography>{row.attempt > 1 ? `${row.attempt} (resubmission)` : row.attempt}</Typography>
                      </Td>
                      <Td>
                        <Typography>{formatDate(row.submittedAt)}</Typography>
                      </Td>
                      <Td>
                        {row.isLate ? (
                          <Badge variant="danger">
                            {row.latePenaltyPercent ? `Late (−${row.latePenaltyPercent}%)` : 'Late'}
                          </Badge>
                        ) : (
                          <Badge variant="success">On time</Badge>
                        )}
                      </Td>
                      <Td onClick={(event) => event.stopPropagation()}>
                        <Link
                          tag={NavLink}
                          to={`/plugins/${PLUGIN_ID}/${row.documentId}`}
                          state={{ back: params.toString() }}
                          aria-label={`Open the submission of ${studentName(row.student)} for ${row.assignment?.title ?? 'an assignment'}`}
                        >
                          Open
                        </Link>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              <Flex justifyContent="space-between" alignItems="center">
                <Typography variant="pi" textColor="neutral600">
                  Page {queue.pagination.page} of {Math.max(1, queue.pagination.pageCount)}
                </Typography>
                <Flex gap={2}>
                  <Button
                    variant="tertiary"
                    startIcon={<ArrowLeft />}
                    disabled={page <= 1}
                    onClick={() => goTo({ page: page - 1 })}
                  >
                    Previous page
                  </Button>
                  <Button
                    variant="tertiary"
                    endIcon={<ArrowRight />}
                    disabled={page >= queue.pagination.pageCount}
                    onClick={() => goTo({ page: page + 1 })}
                  >
                    Next page
                  </Button>
                </Flex>
              </Flex>
            </>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
