import { Page } from '@strapi/admin/strapi-admin';
import { Badge, Box, EmptyStateLayout, Link, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { NavLink, useNavigate, useSearchParams } from 'react-router-dom';
import { CoursePicker } from '../../../../../admin/lms/CoursePicker';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { ColumnHeads, LmsPage } from '../../../../../admin/lms/LmsPage';
import { PageControls } from '../../../../../admin/lms/PageControls';
import { usePagedList } from '../../../../../admin/lms/usePagedList';
import { formatDate, studentName, type QueueRow } from '../api';
import { PLUGIN_ID } from '../pluginId';

/** Work waiting for a grade in the caller's courses, oldest first. */
export const QueuePage = () => {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  // The course and page live in the URL, so "Back to the queue" from a submission returns to them.
  const course = params.get('course') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const queue = usePagedList<QueueRow>('/grading/queue', {
    filters: course ? { course } : {},
    pageParams: 'flat',
    page,
    onPageChange: (next) => goTo({ page: next }),
    failure: 'Could not load the grading queue',
  });

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

  const { pagination } = queue;
  return (
    <LmsPage
      title="Grading queue"
      subtitle={
        pagination
          ? `${pagination.total} ${pagination.total === 1 ? 'submission awaits' : 'submissions await'} grading, oldest first`
          : 'Submissions awaiting grading'
      }
    >
      <Box maxWidth="40rem">
        <CoursePicker
          source="/grading/courses"
          value={course}
          onChange={(next) => goTo({ course: next })}
          allCourses="All courses"
        />
      </Box>

      {queue.isLoading && queue.rows === null && <Page.Loading>Loading the grading queue</Page.Loading>}
      {queue.error && <ErrorNotice message={queue.error} onRetry={queue.reload} />}
      {queue.rows?.length === 0 && (
        <EmptyStateLayout
          content={course ? 'Nothing to grade in this course' : 'Nothing to grade: every submission is graded'}
        />
      )}
      {queue.rows && queue.rows.length > 0 && (
        <>
          <Table colCount={7} rowCount={queue.rows.length + 1} aria-label="Submissions awaiting grading">
            <ColumnHeads names={['Student', 'Course', 'Assignment', 'Attempt', 'Submitted', 'Late', 'Open']} />
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
          <PageControls pagination={queue.pagination} onPage={queue.setPage} />
        </>
      )}
    </LmsPage>
  );
};
