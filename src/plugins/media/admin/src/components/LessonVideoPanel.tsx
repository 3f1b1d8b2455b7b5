import * as React from 'react';
import { useFetchClient, useRBAC, type Permission } from '@strapi/admin/strapi-admin';
import { Badge, Box, Button, Flex, Loader, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { serverError } from '../../../../../admin/lms/errors';

const LESSON = 'api::lesson.lesson';
const LESSON_VIDEO_PERMISSIONS = [{ action: 'plugin::media.lesson-video', subject: null }];
/** While a conversion is queued or running, the panel asks again this often. */
const POLL_MS = 2000;

type VideoStatus = 'queued' | 'processing' | 'ready' | 'failed';

/** GET /media/lessons/:documentId/video (src/plugins/media/server/src/services/lesson-video.ts). */
interface LessonVideo {
  video: { id: number; name: string; mime: string } | null;
  asset: {
    id: string;
    status: VideoStatus;
    durationSeconds: number | null;
    renditions: Array<{ height: number; bandwidth: number }>;
    posterUrl: string | null;
    error?: string;
  } | null;
}

const STATUS_LABELS: Record<VideoStatus, string> = {
  queued: 'Queued',
  processing: 'Converting',
  ready: 'Ready',
  failed: 'Failed',
};
const STATUS_BADGES: Record<VideoStatus, 'secondary' | 'success' | 'danger' | 'alternative'> = {
  queued: 'secondary',
  processing: 'alternative',
  ready: 'success',
  failed: 'danger',
};

/** 62.4 → "1:02"; an hour and more → "1:02:03". */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const pad = (value: number) => String(value).padStart(2, '0');
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  return hours ? `${hours}:${pad(minutes)}:${pad(whole % 60)}` : `${minutes}:${pad(whole % 60)}`;
}

interface PanelProps {
  model: string;
  documentId?: string;
  document?: { locale?: string | null } | null;
}

/**
 * A side panel on the edit view of lessons (content-manager `addEditViewSidePanel`): the video's conversion
 * status, duration, renditions and poster, and "Retry conversion" when it failed. For the staff of the lesson's
 * course (the route keeps a Teacher to the courses they teach). It shows the saved draft: a video picked but not
 * saved yet appears once the lesson is saved.
 */
export const LessonVideoPanel = ({ model, documentId, document }: PanelProps) => {
  const { allowedActions } = useRBAC(LESSON_VIDEO_PERMISSIONS as unknown as Permission[]);
  if (model !== LESSON || !documentId || !allowedActions.canLessonVideo) return null;
  return {
    title: 'Lesson video',
    content: <LessonVideoStatus documentId={documentId} locale={document?.locale ?? undefined} />,
  };
};

const LessonVideoStatus = ({ documentId, locale }: { documentId: string; locale?: string }) => {
  const { get, post } = useFetchClient();
  const [state, setState] = React.useState<
    { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; lesson: LessonVideo }
  >({ status: 'loading' });
  const [isRetrying, setRetrying] = React.useState(false);
  const [retryError, setRetryError] = React.useState<string | null>(null);
  const path = `/media/lessons/${encodeURIComponent(documentId)}/video`;
  const params = React.useMemo(() => (locale ? { locale } : {}), [locale]);

  const load = React.useCallback(
    () =>
      get<{ data: LessonVideo }>(path, { params })
        .then(({ data }) => setState({ status: 'ready', lesson: data.data }))
        .catch((error) => setState({ status: 'error', message: serverError(error).message })),
    [get, path, params]
  );

  React.useEffect(() => {
    void load();
  }, [load]);

  const assetStatus = state.status === 'ready' ? state.lesson.asset?.status : undefined;
  React.useEffect(() => {
    if (assetStatus !== 'queued' && assetStatus !== 'processing') return undefined;
    const timer = setTimeout(() => void load(), POLL_MS);
    return () => clearTimeout(timer);
  }, [assetStatus, state, load]);

  const retry = async () => {
    setRetrying(true);
    setRetryError(null);
    try {
      const { data } = await post<{ data: LessonVideo }>(`${path}/retry`, {}, { params });
      setState({ status: 'ready', lesson: data.data });
    } catch (error) {
      setRetryError(serverError(error).message);
    } finally {
      setRetrying(false);
    }
  };

  if (state.status === 'loading') return <Loader small>Loading the lesson video</Loader>;
  if (state.status === 'error')
    return (
      <Typography textColor="danger600" role="alert">
        {state.message}
      </Typography>
    );
  const { video, asset } = state.lesson;
  if (!video)
    return (
      <Typography variant="pi" textColor="neutral600">
        No video saved for this lesson.
      </Typography>
    );
  return (
    <Flex direction="column" alignItems="stretch" gap={2} width="100%" aria-label="Lesson video" role="group">
      <Typography variant="pi" textColor="neutral600" ellipsis title={video.name}>
        {video.name}
      </Typography>
      {!asset && <Typography textColor="neutral600">Not a video that can be converted.</Typography>}
      {asset && (
        <>
          <Flex gap={2} alignItems="center">
            <Typography variant="omega">Conversion:</Typography>
            <Badge variant={STATUS_BADGES[asset.status]}>{STATUS_LABELS[asset.status]}</Badge>
          </Flex>
          {asset.durationSeconds !== null && (
            <Typography variant="omega">{`Duration: ${formatDuration(asset.durationSeconds)}`}</Typography>
          )}
          {asset.renditions.length > 0 && (
            <Typography variant="omega">
              {`Renditions: ${asset.renditions.map((rendition) => `${rendition.height}p`).join(', ')}`}
            </Typography>
          )}
          {asset.posterUrl && (
            <Box hasRadius overflow="hidden" background="neutral150">
              <img
                src={asset.posterUrl}
                alt="Poster of the lesson video"
                style={{ display: 'block', width: '100%', height: 'auto' }}
              />
            </Box>
          )}
          {asset.status === 'failed' && (
            <>
              {asset.error && (
                <Typography textColor="danger600" role="alert">
                  {asset.error}
                </Typography>
              )}
              <Button
                variant="secondary"
                startIcon={<ArrowClockwise />}
                onClick={() => void retry()}
                loading={isRetrying}
                fullWidth
              >
                Retry conversion
              </Button>
            </>
          )}
          {retryError && (
            <Typography textColor="danger600" role="alert">
              {retryError}
            </Typography>
          )}
        </>
      )}
    </Flex>
  );
};
