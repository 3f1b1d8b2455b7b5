import { Badge, Box, Button, Checkbox, Field, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import * as React from 'react';
import { serverError } from '../../../../../admin/lms/errors';
import { ListStates } from '../../../../../admin/lms/ListStates';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { useAdminData } from '../../../../../admin/lms/usePagedList';

interface Person {
  id: number;
  username: string;
  fullName: string | null;
}

interface Report {
  id: number;
  reason: string;
  reporter: Person | null;
  createdAt: string;
}

/** A row of `GET /social/reports?target=post|comment`: a post has a title, a comment its body and its post. */
interface Reported {
  documentId: string;
  title?: string;
  body?: string | null;
  post?: { documentId: string; title: string };
  author: Person | null;
  hidden: boolean;
  hiddenReason: string | null;
  reportsCount: number;
  reports: Report[];
}

type Target = 'post' | 'comment';

const nameOf = (person: Person | null) => (person ? person.fullName || person.username : 'Deleted user');
/** A comment's sanitised HTML as a short line of text (React escapes it: shown, never rendered). */
const excerpt = (html: string | null | undefined) => {
  const text = (html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
};
const labelOf = (target: Target, row: Reported) =>
  target === 'post' ? `“${row.title ?? ''}”` : `the comment on “${row.post?.title ?? ''}”`;

/** Hide or restore one post or comment, with an optional reason (kept in the audit trail). */
function ModerationAction({ target, row, onDone }: { target: Target; row: Reported; onDone: () => void }) {
  const { post: send } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [reason, setReason] = React.useState('');
  const [isSaving, setIsSaving] = React.useState(false);
  const action = row.hidden ? 'restore' : 'hide';
  const path = target === 'post' ? 'posts' : 'post-comments';
  const label = labelOf(target, row);

  const run = async () => {
    setIsSaving(true);
    try {
      await send(`/social/${path}/${row.documentId}/${action}`, reason.trim() ? { reason: reason.trim() } : {});
      toggleNotification({ type: 'success', message: `${label} is ${row.hidden ? 'shown again' : 'hidden'}` });
      setReason('');
      onDone();
    } catch (error) {
      toggleNotification({ type: 'danger', message: serverError(error, `Could not ${action} this ${target}`).message });
    } finally {
      setIsSaving(false);
    }
  };

  return (
    <Flex gap={2} alignItems="flex-end">
      <Field.Root name={`reason-${row.documentId}`}>
        <Field.Label>Reason</Field.Label>
        <Field.Input
          value={reason}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => setReason(event.target.value)}
        />
      </Field.Root>
      <Button
        variant={row.hidden ? 'secondary' : 'danger-light'}
        loading={isSaving}
        onClick={() => void run()}
        aria-label={`${row.hidden ? 'Restore' : 'Hide'} ${target === 'post' ? (row.title ?? '') : `comment ${row.documentId}`}`}
      >
        {row.hidden ? 'Restore' : 'Hide'}
      </Button>
    </Flex>
  );
}

/** One list of reported posts or comments, most reported first. */
function ReportedList({ target, withHidden }: { target: Target; withHidden: boolean }) {
  const reported = useAdminData<{ data: Reported[] }>(
    '/social/reports',
    { target, ...(withHidden ? { hidden: 'true' } : {}) },
    `Could not load the reported ${target}s`
  );
  const rows = reported.data?.data ?? null;
  const heading = target === 'post' ? 'Reported posts' : 'Reported comments';

  return (
    <Box paddingBottom={6}>
      <Box paddingBottom={2}>
        <Typography variant="delta" tag="h2">
          {heading}
        </Typography>
      </Box>
      <ListStates rows={rows} error={reported.error} reload={reported.reload} empty="Nothing is reported.">
        {(rows) => (
          <Table colCount={4} rowCount={rows.length + 1} aria-label={heading}>
            <ColumnHeads names={[target === 'post' ? 'Post' : 'Comment', 'Reports', 'State', 'Action']} />
            <Tbody>
              {rows.map((row) => (
                <Tr key={row.documentId}>
                  <Td>
                    <Typography fontWeight="bold" tag="p">
                      {target === 'post' ? row.title : excerpt(row.body)}
                    </Typography>
                    <Typography variant="pi">
                      by {nameOf(row.author)}
                      {target === 'comment' && row.post ? ` on “${row.post.title}”` : ''}
                    </Typography>
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
                    <ModerationAction target={target} row={row} onDone={reported.reload} />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </ListStates>
    </Box>
  );
}

export default function ModerationPage() {
  const [withHidden, setWithHidden] = React.useState(false);

  return (
    <LmsPage
      title="Moderation"
      subtitle="Reported posts and comments, most reported first. Hidden ones leave every list, feed and count; each change is audited."
    >
      <Panel>
        <Checkbox checked={withHidden} onCheckedChange={(checked: boolean) => setWithHidden(Boolean(checked))}>
          Include hidden posts and comments
        </Checkbox>
      </Panel>
      <ReportedList target="post" withHidden={withHidden} />
      <ReportedList target="comment" withHidden={withHidden} />
    </LmsPage>
  );
}
