import { Badge, Box, Button, Checkbox, Field, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { serverError } from '../../../../../admin/lms/errors';
import { ErrorNotice } from '../../../../../admin/lms/ErrorNotice';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { useAdminData } from '../../../../../admin/lms/usePagedList';

interface Person {
  id: number;
  username: string;
  fullName: string | null;
}

interface ReportedPost {
  documentId: string;
  title: string;
  author: Person | null;
  hidden: boolean;
  hiddenReason: string | null;
  reportsCount: number;
  reports: Array<{ id: number; reason: string; reporter: Person | null; createdAt: string }>;
}

const nameOf = (person: Person | null) => (person ? person.fullName || person.username : 'Deleted user');

/** Hide or restore one post, with an optional reason (kept in the audit trail). */
function ModerationAction({ post, onDone }: { post: ReportedPost; onDone: () => void }) {
  const { post: send } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [reason, setReason] = React.useState('');
  const [isSaving, setIsSaving] = React.useState(false);
  const action = post.hidden ? 'restore' : 'hide';

  const run = async () => {
    setIsSaving(true);
    try {
      await send(`/social/posts/${post.documentId}/${action}`, reason.trim() ? { reason: reason.trim() } : {});
      toggleNotification({ type: 'success', message: `“${post.title}” is ${post.hidden ? 'shown again' : 'hidden'}` });
      setReason('');
      onDone();
    } catch (error) {
      toggleNotification({ type: 'danger', message: serverError(error, `Could not ${action} this post`).message });
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <Flex gap={2} alignItems="flex-end">
      <Field.Root name={`reason-${post.documentId}`}>
        <Field.Label>Reason</Field.Label>
        <Field.Input
          value={reason}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => setReason(event.target.value)}
        />
      </Field.Root>
      <Button
        variant={post.hidden ? 'secondary' : 'danger-light'}
        loading={isSaving}
        onClick={() => void run()}
        aria-label={`${post.hidden ? 'Restore' : 'Hide'} ${post.title}`}
      >
        {post.hidden ? 'Restore' : 'Hide'}
      </Button>
    </Flex>
  );
}

export default function ModerationPage() {
  const [withHidden, setWithHidden] = React.useState(false);
  const reported = useAdminData<{ data: ReportedPost[] }>(
    '/social/reports',
    withHidden ? { hidden: 'true' } : undefined,
    'Could not load the reported posts'
  );
  const rows = reported.data?.data ?? null;

  return (
    <LmsPage
      title="Moderation"
      subtitle="Reported posts, most reported first. Hidden posts leave every list and feed; each change is audited."
    >
      <Panel>
        <Checkbox checked={withHidden} onCheckedChange={(checked: boolean) => setWithHidden(Boolean(checked))}>
          Include hidden posts
        </Checkbox>
      </Panel>
      {reported.error ? (
        <ErrorNotice message={reported.error} onRetry={reported.reload} />
      ) : rows === null ? (
        <Page.Loading />
      ) : rows.length === 0 ? (
        <Panel>
          <Typography>Nothing is reported.</Typography>
        </Panel>
      ) : (
        <Table colCount={4} rowCount={rows.length + 1} aria-label="Reported posts">
          <ColumnHeads names={['Post', 'Reports', 'State', 'Action']} />
          <Tbody>
            {rows.map((row) => (
              <Tr key={row.documentId}>
                <Td>
                  <Typography fontWeight="bold" tag="p">
                    {row.title}
                  </Typography>
                  <Typography variant="pi">by {nameOf(row.author)}</Typography>
                </Td>
                <Td>
                  <Box>
                    {row.reports.map((report) => (
                      <Typography key={report.id} variant="pi" tag="p">
                        {nameOf(report.reporter)}: {report.reason}
                      </Typography>
                    ))}
                  </Box>
                </Td>
                <Td>
                  {row.hidden ? (
                    <Badge>hidden{row.hiddenReason ? `: ${row.hiddenReason}` : ''}</Badge>
                  ) : (
                    <Badge>{row.reportsCount} reports</Badge>
                  )}
                </Td>
                <Td>
                  <ModerationAction post={row} onDone={reported.reload} />
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </LmsPage>
  );
}
