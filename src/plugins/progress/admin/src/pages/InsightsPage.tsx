import {
  Box,
  Field,
  Flex,
  Grid,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Page } from '@strapi/strapi/admin';
import * as React from 'react';
import { BarChart } from '../../../../../admin/lms/BarChart';
import { CoursePicker } from '../../../../../admin/lms/CoursePicker';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { useAdminData } from '../../../../../admin/lms/usePagedList';

type Period = 'day' | 'week';

interface Insights {
  course: { documentId: string; title: string };
  period: Period;
  enrollments: { enrolled: number; active: number; completed: number; expired: number; cancelled: number };
  completionRatePercent: number;
  averageProgressPercent: number;
  enrollmentsOverTime: Array<{ periodStart: string; enrollments: number }>;
  quizzes: Array<{
    documentId: string;
    title: string;
    students: number;
    buckets: Array<{ from: number; to: number; students: number }>;
  }>;
  dropOff: {
    activeStudents: number;
    finishedAllLessons: number;
    lesson: { documentId: string; title: string | null; students: number } | null;
    lessons: Array<{ documentId: string; title: string | null; position: number; students: number }>;
  };
}

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Box background="neutral0" padding={5} shadow="tableShadow" hasRadius height="100%" role="group" aria-label={label}>
      <Typography variant="sigma" textColor="neutral600" tag="p">
        {label}
      </Typography>
      <Typography variant="alpha" tag="p">
        {value}
      </Typography>
      {detail && (
        <Typography variant="pi" textColor="neutral600" tag="p">
          {detail}
        </Typography>
      )}
    </Box>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius tag="section" aria-label={title}>
      <Box paddingBottom={4}>
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
      </Box>
      {children}
    </Box>
  );
}

export default function InsightsPage() {
  const [courseDocumentId, setCourseDocumentId] = React.useState<string | null>(null);
  const [period, setPeriod] = React.useState<Period>('week');
  const loaded = useAdminData<{ data: Insights }>(
    courseDocumentId ? `/progress/insights/${courseDocumentId}` : null,
    { period },
    'Could not load the insights'
  );
  const insights = loaded.data?.data ?? null;

  return (
    <LmsPage
      title="Course insights"
      subtitle="Enrollments, completion, quiz scores and where students stop, per course."
    >
      <Panel>
        <Flex gap={4} alignItems="flex-end">
          <Box flex="2">
            <CoursePicker source="/progress/courses" value={courseDocumentId} onChange={setCourseDocumentId} />
          </Box>
          <Box flex="1">
            <Field.Root name="period">
              <Field.Label>Enrollments per</Field.Label>
              <SingleSelect
                aria-label="Enrollments per"
                value={period}
                onChange={(value) => setPeriod(value as Period)}
              >
                <SingleSelectOption value="day">Day</SingleSelectOption>
                <SingleSelectOption value="week">Week</SingleSelectOption>
              </SingleSelect>
            </Field.Root>
          </Box>
        </Flex>
      </Panel>

      {loaded.error && <ErrorNotice message={loaded.error} onRetry={loaded.reload} />}
      {loaded.isLoading && !insights && <Page.Loading />}

      {insights && (
        <>
          <Grid.Root gap={4}>
            <Grid.Item col={3} s={6} xs={12}>
              <Figure
                label="Enrolled"
                value={String(insights.enrollments.enrolled)}
                detail={`${insights.enrollments.active} active, ${insights.enrollments.completed + insights.enrollments.expired} finished, ${insights.enrollments.cancelled} cancelled`}
              />
            </Grid.Item>
            <Grid.Item col={3} s={6} xs={12}>
              <Figure
                label="Completion rate"
                value={`${insights.completionRatePercent} %`}
                detail="of the enrollments not cancelled"
              />
            </Grid.Item>
            <Grid.Item col={3} s={6} xs={12}>
              <Figure label="Average progress" value={`${insights.averageProgressPercent} %`} />
            </Grid.Item>
            <Grid.Item col={3} s={6} xs={12}>
              <Figure
                label="Drop-off lesson"
                value={insights.dropOff.lesson ? (insights.dropOff.lesson.title ?? 'Untitled lesson') : 'None'}
                detail={
                  insights.dropOff.lesson
                    ? `${insights.dropOff.lesson.students} of ${insights.dropOff.activeStudents} active students stopped here`
                    : undefined
                }
              />
            </Grid.Item>
          </Grid.Root>

          <Section title={`Enrollments per ${insights.period}`}>
            <BarChart
              title={`Enrollments per ${insights.period}`}
              bars={insights.enrollmentsOverTime.map((point) => ({
                label: point.periodStart.slice(5),
                value: point.enrollments,
              }))}
            />
          </Section>

          <Section title="Quiz scores (best attempt per student)">
            {insights.quizzes.length === 0 ? (
              <Typography textColor="neutral600">This course has no published quiz.</Typography>
            ) : (
              <Flex direction="column" alignItems="stretch" gap={6}>
                {insights.quizzes.map((quiz) => (
                  <Box key={quiz.documentId}>
                    <Typography variant="omega" fontWeight="bold" tag="h3">
                      {quiz.title} ({quiz.students} students)
                    </Typography>
                    <BarChart
                      title={`Score distribution of ${quiz.title}`}
                      bars={quiz.buckets.map((bucket) => ({
                        label: `${bucket.from}–${bucket.to}`,
                        value: bucket.students,
                      }))}
                    />
                  </Box>
                ))}
              </Flex>
            )}
          </Section>

          <Section title="Where active students stopped">
            <Typography variant="pi" textColor="neutral600" tag="p">
              Each active student counts once, at the first lesson they have not completed.{' '}
              {insights.dropOff.finishedAllLessons} have done every lesson but not yet completed the course.
            </Typography>
            <Box paddingTop={4}>
              <Table
                colCount={3}
                rowCount={insights.dropOff.lessons.length + 1}
                aria-label="Students stopped per lesson"
              >
                <ColumnHeads names={['#', 'Lesson', 'Students stopped here']} />
                <Tbody>
                  {insights.dropOff.lessons.map((lesson) => (
                    <Tr key={lesson.documentId}>
                      <Td>
                        <Typography>{lesson.position}</Typography>
                      </Td>
                      <Td>
                        <Typography>{lesson.title ?? '—'}</Typography>
                      </Td>
                      <Td>
                        <Typography>{lesson.students}</Typography>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </Box>
          </Section>
        </>
      )}
    </LmsPage>
  );
}
