import * as React from 'react';
import { useFetchClient, useRBAC, type Permission } from '@strapi/admin/strapi-admin';
import { Badge, Box, Button, Flex, Loader, Modal, Typography } from '@strapi/design-system';
import { Check, Cross, Eye } from '@strapi/icons';
import { type PreviewQuestion, type QuizPreview } from '../api';
import { serverError } from '../../../../../admin/lms/errors';
import { QUIZ_PREVIEW_PERMISSIONS } from '../pluginId';

const QUIZ = 'api::quiz.quiz';

const QUESTION_KINDS: Record<PreviewQuestion['type'], string> = {
  single: 'One answer',
  multiple: 'Several answers',
  true_false: 'True or false',
  short_text: 'Short text',
  numeric: 'Number',
};

const REVIEW_POLICIES: Record<string, string> = {
  never: 'never',
  after_submit: 'after each attempt',
  after_pass: 'once passed',
  after_last_attempt: 'after the last attempt',
};

const points = (value: number) => `${value} ${value === 1 ? 'point' : 'points'}`;

function timeLimit(seconds: number | null): string {
  if (!seconds) return 'No time limit';
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return `Time limit: ${minutes ? `${minutes} min` : ''}${minutes && rest ? ' ' : ''}${rest ? `${rest} s` : ''}`;
}

interface PanelProps {
  model: string;
  documentId?: string;
  document?: { locale?: string | null } | null;
  activeTab: 'draft' | 'published' | null;
}

/**
 * A side panel on the edit view of quizzes (content-manager `addEditViewSidePanel`): "Preview quiz" opens the
 * quiz as a student sees it, answers marked, from GET /grading/quiz-preview/:documentId. Only for those with
 * the `plugin::grading.quiz.preview` action; the route itself keeps a Teacher to their own courses.
 */
export const QuizPreviewPanel = ({ model, documentId, document, activeTab }: PanelProps) => {
  const { allowedActions } = useRBAC(QUIZ_PREVIEW_PERMISSIONS as unknown as Permission[]);
  if (model !== QUIZ || !documentId || !allowedActions.canPreview) return null;
  return {
    title: 'Quiz preview',
    content: (
      <QuizPreviewButton
        documentId={documentId}
        locale={document?.locale ?? undefined}
        status={activeTab === 'published' ? 'published' : 'draft'}
      />
    ),
  };
};

/** Which version of which quiz to preview. */
interface PreviewTarget {
  documentId: string;
  locale?: string;
  status: 'draft' | 'published';
}

const QuizPreviewButton = ({ documentId, locale, status }: PreviewTarget) => {
  const [open, setOpen] = React.useState(false);
  return (
    <Flex direction="column" alignItems="stretch" gap={2} width="100%">
      <Typography variant="pi" textColor="neutral600">
        {`The ${status === 'published' ? 'published' : 'saved draft'} version as a student sees it, with the correct answers marked. Save first to see your changes.`}
      </Typography>
      <Modal.Root open={open} onOpenChange={setOpen}>
        <Modal.Trigger>
          <Button variant="secondary" startIcon={<Eye />} fullWidth>
            Preview quiz
          </Button>
        </Modal.Trigger>
        {open && <QuizPreviewModal documentId={documentId} locale={locale} status={status} />}
      </Modal.Root>
    </Flex>
  );
};

const QuizPreviewModal = ({ documentId, locale, status }: PreviewTarget) => {
  const { get } = useFetchClient();
  const [state, setState] = React.useState<
    { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; quiz: QuizPreview }
  >({
    status: 'loading',
  });

  React.useEffect(() => {
    let live = true;
    get<{ data: QuizPreview }>(`/grading/quiz-preview/${encodeURIComponent(documentId)}`, {
      params: { status, ...(locale ? { locale } : {}) },
    })
      .then(({ data }) => live && setState({ status: 'ready', quiz: data.data }))
      .catch((error) => live && setState({ status: 'error', message: serverError(error).message }));
    return () => {
      live = false;
    };
  }, [get, documentId, locale, status]);

  return (
    <Modal.Content>
      <Modal.Header>
        <Modal.Title>{state.status === 'ready' ? `Preview: ${state.quiz.title}` : 'Quiz preview'}</Modal.Title>
      </Modal.Header>
      <Modal.Body>
        {state.status === 'loading' && <Loader small>Loading the preview</Loader>}
        {state.status === 'error' && (
          <Typography textColor="danger600" role="alert">
            {state.message}
          </Typography>
        )}
        {state.status === 'ready' && <QuizView quiz={state.quiz} />}
      </Modal.Body>
      <Modal.Footer>
        <Modal.Close>
          <Button variant="tertiary">Close</Button>
        </Modal.Close>
      </Modal.Footer>
    </Modal.Content>
  );
};

const QuizView = ({ quiz }: { quiz: QuizPreview }) => (
  <Flex direction="column" alignItems="stretch" gap={4}>
    <Flex direction="column" alignItems="flex-start" gap={1}>
      {quiz.course && (
        <Typography variant="pi" textColor="neutral600">
          {quiz.course.title}
          {quiz.lesson ? ` · ${quiz.lesson.title}` : quiz.isFinal ? ' · final test' : ''}
        </Typography>
      )}
      {quiz.description && <Typography style={{ whiteSpace: 'pre-wrap' }}>{quiz.description}</Typography>}
      <Flex gap={2} wrap="wrap">
        <Badge>{timeLimit(quiz.timeLimitSeconds)}</Badge>
        <Badge>{`${quiz.questions.length} ${quiz.questions.length === 1 ? 'question' : 'questions'}, ${points(quiz.totalPoints)}`}</Badge>
        <Badge>{`Pass at ${quiz.passingPercent}%`}</Badge>
        <Badge>
          {quiz.maxAttempts
            ? `${quiz.maxAttempts} ${quiz.maxAttempts === 1 ? 'attempt' : 'attempts'}`
            : 'Unlimited attempts'}
        </Badge>
        <Badge>{`Answers shown ${REVIEW_POLICIES[quiz.reviewPolicy] ?? quiz.reviewPolicy}`}</Badge>
        {(quiz.shuffleQuestions || quiz.shuffleOptions) && (
          <Badge>{`Shuffled: ${[quiz.shuffleQuestions && 'questions', quiz.shuffleOptions && 'options'].filter(Boolean).join(' and ')}`}</Badge>
        )}
      </Flex>
    </Flex>
    {quiz.questions.length === 0 && quiz.draws.length === 0 && (
      <Typography textColor="neutral600">This quiz has no questions yet: students cannot start it.</Typography>
    )}
    <Flex
      direction="column"
      alignItems="stretch"
      gap={3}
      tag="ol"
      aria-label="Questions"
      style={{ listStyle: 'none', padding: 0 }}
    >
      {quiz.questions.map((question, index) => (
        <Box key={question.id} tag="li" background="neutral100" padding={4} hasRadius>
          <QuestionView question={question} number={index + 1} />
        </Box>
      ))}
    </Flex>
    {quiz.draws.length > 0 && (
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Typography variant="delta" tag="h3">
          Sample draw
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {`Each attempt also draws ${quiz.draws
            .map((draw) => `${draw.count} from a bank${draw.tags?.length ? ` (tagged ${draw.tags.join(', ')})` : ''}`)
            .join(', ')}; one such draw:`}
        </Typography>
        <Flex
          direction="column"
          alignItems="stretch"
          gap={3}
          tag="ol"
          aria-label="Sample draw"
          style={{ listStyle: 'none', padding: 0 }}
        >
          {quiz.sampleDraw.map((question, index) => (
            <Box key={question.id} tag="li" background="neutral100" padding={4} hasRadius>
              <QuestionView question={question} number={quiz.questions.length + index + 1} />
            </Box>
          ))}
        </Flex>
      </Flex>
    )}
  </Flex>
);

const QuestionView = ({ question, number }: { question: PreviewQuestion; number: number }) => (
  <Flex direction="column" alignItems="stretch" gap={2}>
    <Flex justifyContent="space-between" alignItems="flex-start" gap={2}>
      <Typography fontWeight="semiBold" style={{ whiteSpace: 'pre-wrap' }}>
        {`${number}. ${question.prompt}`}
      </Typography>
      <Flex gap={1} shrink={0}>
        <Badge>{QUESTION_KINDS[question.type] ?? question.type}</Badge>
        <Badge>{points(question.points)}</Badge>
      </Flex>
    </Flex>
    {question.options && (
      <Flex direction="column" alignItems="stretch" gap={1} tag="ul" style={{ listStyle: 'none', padding: 0 }}>
        {question.options.map((option) => (
          <Flex
            key={option.id}
            tag="li"
            gap={2}
            alignItems="center"
            aria-label={`${option.text}${option.correct ? ' (correct)' : ''}`}
          >
            {option.correct ? <Check fill="success600" aria-hidden /> : <Cross fill="neutral400" aria-hidden />}
            <Typography
              textColor={option.correct ? 'success700' : 'neutral800'}
              fontWeight={option.correct ? 'semiBold' : 'regular'}
            >
              {option.text}
            </Typography>
            {option.correct && <Badge variant="success">Correct</Badge>}
          </Flex>
        ))}
        {question.options.length === 0 && <Typography textColor="danger600">No options yet</Typography>}
      </Flex>
    )}
    {question.type === 'short_text' && (
      <Typography textColor="success700">
        {question.acceptedAnswers?.length
          ? `Accepted answers: ${question.acceptedAnswers.join(', ')}`
          : 'No accepted answers yet'}
      </Typography>
    )}
    {question.type === 'numeric' && (
      <Typography textColor="success700">
        {question.numericAnswer === null || question.numericAnswer === undefined
          ? 'No answer set yet'
          : `Answer: ${question.numericAnswer}${question.tolerance ? ` ± ${question.tolerance}` : ''}`}
      </Typography>
    )}
    {question.type === 'multiple' && question.partialCredit && (
      <Typography variant="pi" textColor="neutral600">
        Partial credit
      </Typography>
    )}
    {question.explanation && (
      <Typography variant="pi" textColor="neutral700" style={{ whiteSpace: 'pre-wrap' }}>
        {`Explanation: ${question.explanation}`}
      </Typography>
    )}
  </Flex>
);
