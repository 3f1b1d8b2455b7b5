import * as React from 'react';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/admin/strapi-admin';
import { Badge, Box, Button, Field, Flex, Grid, Link, NumberInput, Textarea, Typography } from '@strapi/design-system';
import { ArrowClockwise, ArrowLeft, Check, File } from '@strapi/icons';
import { NavLink, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { serverError } from '../../../../../admin/lms/errors';
import { fileUrl, formatDate, STATUS_LABELS, studentName, type GradeStatus, type SubmissionDetail } from '../api';
import { PLUGIN_ID } from '../pluginId';

const MAX_FEEDBACK = 20_000;

type LoadState =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; submission: SubmissionDetail };

const ACTION_DONE: Record<GradeStatus, string> = {
  graded: 'Grade posted; the student is notified',
  returned: 'Returned to the student with your feedback',
  resubmit_requested: 'Resubmission requested; the student is notified',
};

const Fact = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Flex direction="column" alignItems="flex-start" gap={1}>
    <Typography variant="sigma" textColor="neutral600">
      {label}
    </Typography>
    <Typography>{children}</Typography>
  </Flex>
);

/** One submission: the work, what grading it needs to know, and the grade form. */
export const SubmissionPage = () => {
  const { documentId = '' } = useParams<{ documentId: string }>();
  const location = useLocation();
  const navigate = useNavigate();
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [load, setLoad] = React.useState<LoadState>({ status: 'loading' });
  const [grade, setGrade] = React.useState<number | undefined>(undefined);
  const [feedback, setFeedback] = React.useState('');
  // Criterion → chosen level label, for an assignment graded by rubric.
  const [levels, setLevels] = React.useState<Record<string, string>>({});
  const [errors, setErrors] = React.useState<{ grade?: string; feedback?: string; form?: string }>({});
  const [saving, setSaving] = React.useState<GradeStatus | null>(null);
  const [reloads, setReloads] = React.useState(0);

  const back = (location.state as { back?: string } | null)?.back;
  const queueLink = `/plugins/${PLUGIN_ID}${back ? `?${back}` : ''}`;

  React.useEffect(() => {
    let live = true;
    setLoad({ status: 'loading' });
    get<{ data: SubmissionDetail }>(`/grading/queue/${encodeURIComponent(documentId)}`)
      .then(({ data }) => {
        if (!live) return;
        setLoad({ status: 'ready', submission: data.data });
        setGrade(data.data.grade ?? undefined);
        setFeedback(data.data.feedback ?? '');
        setLevels(Object.fromEntries((data.data.rubric ?? []).map((chosen) => [chosen.criterion, chosen.level])));
        setErrors({});
      })
      .catch((error) => live && setLoad({ status: 'error', message: serverError(error).message }));
    return () => {
      live = false;
    };
  }, [get, documentId, reloads]);

  if (load.status === 'loading') return <Page.Loading>Loading the submission</Page.Loading>;
  if (load.status === 'error') {
    return (
      <Page.Main>
        <Page.Title>Submission</Page.Title>
        <Layouts.Header
          title="Submission"
          navigationAction={
            <Link tag={NavLink} to={queueLink} startIcon={<ArrowLeft />}>
              Back to the queue
            </Link>
          }
        />
        <Layouts.Content>
          <ErrorNotice message={load.message} onRetry={() => setReloads((count) => count + 1)} />
        </Layouts.Content>
      </Page.Main>
    );
  }

  const { submission } = load;
  const { assignment } = submission;
  const name = studentName(submission.student);

  const rubric = assignment.rubric ?? null;
  const allLevelsChosen = rubric !== null && rubric.every((criterion) => levels[criterion.criterion] !== undefined);
  // What the server will compute: the sum of the chosen levels' points.
  const rubricGrade = rubric
    ? rubric.reduce(
        (sum, criterion) =>
          sum + (criterion.levels.find((level) => level.label === levels[criterion.criterion])?.points ?? 0),
        0
      )
    : null;

  const send = async (status: GradeStatus) => {
    if (status === 'graded' && rubric && !allLevelsChosen) {
      setErrors({ grade: 'Choose a level for every criterion to mark the work graded' });
      return;
    }
    if (status === 'graded' && !rubric && grade === undefined) {
      setErrors({ grade: 'Enter a grade to mark the work graded' });
      return;
    }
    setSaving(status);
    setErrors({});
    try {
      await post(`/grading/queue/${encodeURIComponent(documentId)}/grade`, {
        ...(rubric && allLevelsChosen
          ? {
              rubric: rubric.map((criterion) => ({
                criterion: criterion.criterion,
                level: levels[criterion.criterion],
              })),
            }
          : rubric
            ? {}
            : { grade: grade === undefined ? null : grade }),
        feedback: feedback.trim() ? feedback : null,
        status,
        attempt: submission.attempt,
      });
      toggleNotification({ type: 'success', message: `${ACTION_DONE[status]} (${name}, ${assignment.title})` });
      navigate(queueLink);
    } catch (error) {
      const problem = serverError(error);
      if (problem.status === 409) {
        setErrors({ form: `${problem.message}.` });
      } else if (problem.field === 'grade' || problem.field === 'feedback') {
        setErrors({ [problem.field]: problem.message });
      } else if (problem.field === 'rubric') {
        setErrors({ grade: problem.message });
      } else {
        setErrors({ form: problem.message });
      }
      toggleNotification({ type: 'danger', message: problem.message });
    } finally {
      setSaving(null);
    }
  };

  return (
    <Page.Main>
      <Page.Title>{`Submission of ${name}`}</Page.Title>
      <Layouts.Header
        title={assignment.title}
        subtitle={`${name} · ${submission.course.title}`}
        navigationAction={
          <Link tag={NavLink} to={queueLink} startIcon={<ArrowLeft />}>
            Back to the queue
          </Link>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
            <Grid.Root gap={5}>
              <Grid.Item col={3} s={6} xs={12}>
                <Fact label="Student">
                  {name}
                  {submission.student ? ` (${submission.student.email})` : ''}
                </Fact>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Fact label="Attempt">
                  {submission.attempt > 1 ? `${submission.attempt} (resubmission)` : submission.attempt}
                </Fact>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Fact label="Submitted">{formatDate(submission.submittedAt)}</Fact>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Fact label="Status">{STATUS_LABELS[submission.status] ?? submission.status}</Fact>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Fact label="Max points">{assignment.maxPoints}</Fact>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Fact label="Due">{formatDate(assignment.dueAt)}</Fact>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Fact label="Late penalty">
                  {!assignment.allowLate
                    ? 'No late work accepted'
                    : assignment.latePenaltyPercent
                      ? `${assignment.latePenaltyPercent}% off late work`
                      : 'None'}
                </Fact>
              </Grid.Item>
              <Grid.Item col={3} s={6} xs={12}>
                <Flex direction="column" alignItems="flex-start" gap={1}>
                  <Typography variant="sigma" textColor="neutral600">
                    Late
                  </Typography>
                  {submission.isLate ? (
                    <Badge variant="danger">
                      {submission.latePenaltyPercent
                        ? `Late: ${submission.latePenaltyPercent}% is taken off the grade`
                        : 'Late, without penalty'}
                    </Badge>
                  ) : (
                    <Badge variant="success">On time</Badge>
                  )}
                </Flex>
              </Grid.Item>
              {submission.grade !== null && (
                <Grid.Item col={6} s={12}>
                  <Fact label="Current grade">
                    {submission.grade} / {assignment.maxPoints}
                    {submission.finalGrade !== null && submission.finalGrade !== submission.grade
                      ? ` (${submission.finalGrade} after the late penalty)`
                      : ''}
                  </Fact>
                </Grid.Item>
              )}
            </Grid.Root>
          </Box>

          <Box background="neutral0" padding={6} shadow="tableShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                Work handed in
              </Typography>
              {submission.text ? (
                // Shown as text, never as markup: whatever the student typed cannot run here.
                <Box background="neutral100" padding={4} hasRadius aria-label="Submission text">
                  <Typography tag="p" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                    {submission.text}
                  </Typography>
                </Box>
              ) : (
                <Typography textColor="neutral600">No text, files only.</Typography>
              )}
              {submission.files.length > 0 && (
                <Flex direction="column" alignItems="flex-start" gap={2} tag="ul" aria-label="Submitted files">
                  {submission.files.map((file) => (
                    <li key={file.id}>
                      <Link href={fileUrl(file.url)} isExternal startIcon={<File />} rel="noopener noreferrer">
                        {file.name}
                      </Link>
                      <Typography variant="pi" textColor="neutral600">
                        {` ${file.mime}, ${Math.max(1, Math.round(file.size))} KB`}
                      </Typography>
                    </li>
                  ))}
                </Flex>
              )}
            </Flex>
          </Box>

          <Box
            background="neutral0"
            padding={6}
            shadow="tableShadow"
            hasRadius
            tag="form"
            onSubmit={(event: React.FormEvent) => {
              event.preventDefault();
              void send('graded');
            }}
          >
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                Your grade
              </Typography>
              {rubric ? (
                <Flex direction="column" alignItems="stretch" gap={4} aria-label="Rubric">
                  {rubric.map((criterion) => (
                    <Flex
                      key={criterion.criterion}
                      direction="column"
                      alignItems="flex-start"
                      gap={2}
                      role="radiogroup"
                      aria-label={criterion.criterion}
                    >
                      <Typography variant="omega" fontWeight="bold">
                        {criterion.criterion}
                      </Typography>
                      <Flex gap={2} wrap="wrap">
                        {criterion.levels.map((level) => {
                          const isChosen = levels[criterion.criterion] === level.label;
                          return (
                            <Button
                              key={level.label}
                              type="button"
                              role="radio"
                              aria-checked={isChosen}
                              variant={isChosen ? 'default' : 'tertiary'}
                              startIcon={isChosen ? <Check /> : undefined}
                              onClick={() => setLevels((chosen) => ({ ...chosen, [criterion.criterion]: level.label }))}
                            >
                              {`${level.label} (${level.points} pts)`}
                            </Button>
                          );
                        })}
                      </Flex>
                    </Flex>
                  ))}
                  <Typography aria-live="polite">
                    {`Rubric grade: ${allLevelsChosen ? rubricGrade : '—'} / ${assignment.maxPoints}`}
                    {submission.isLate && submission.latePenaltyPercent
                      ? `; ${submission.latePenaltyPercent}% late penalty applies`
                      : ''}
                  </Typography>
                  {errors.grade && (
                    <Typography textColor="danger600" role="alert">
                      {errors.grade}
                    </Typography>
                  )}
                </Flex>
              ) : (
                <Box maxWidth="20rem">
                  <Field.Root
                    name="grade"
                    id="grading-grade"
                    error={errors.grade}
                    hint={`0 to ${assignment.maxPoints} points${submission.isLate && submission.latePenaltyPercent ? `; ${submission.latePenaltyPercent}% late penalty applies` : ''}; optional when you return the work`}
                  >
                    <Field.Label>Grade</Field.Label>
                    <NumberInput value={grade} onValueChange={setGrade} step={0.5} />
                    <Field.Hint />
                    <Field.Error />
                  </Field.Root>
                </Box>
              )}
              <Field.Root
                name="feedback"
                id="grading-feedback"
                error={errors.feedback}
                hint="The student sees it with the grade"
              >
                <Field.Label>Feedback</Field.Label>
                <Textarea
                  value={feedback}
                  onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => setFeedback(event.target.value)}
                  maxLength={MAX_FEEDBACK}
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
              {errors.form && (
                <Flex gap={3} alignItems="center">
                  <Typography textColor="danger600" role="alert">
                    {errors.form}
                  </Typography>
                  <Button
                    variant="tertiary"
                    startIcon={<ArrowClockwise />}
                    onClick={() => setReloads((count) => count + 1)}
                  >
                    Reload the submission
                  </Button>
                </Flex>
              )}
              <Flex gap={2} wrap="wrap">
                <Button type="submit" startIcon={<Check />} loading={saving === 'graded'} disabled={saving !== null}>
                  Grade
                </Button>
                <Button
                  variant="secondary"
                  loading={saving === 'returned'}
                  disabled={saving !== null}
                  onClick={() => void send('returned')}
                >
                  Return
                </Button>
                <Button
                  variant="danger-light"
                  loading={saving === 'resubmit_requested'}
                  disabled={saving !== null}
                  onClick={() => void send('resubmit_requested')}
                >
                  Request resubmission
                </Button>
              </Flex>
            </Flex>
          </Box>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};
