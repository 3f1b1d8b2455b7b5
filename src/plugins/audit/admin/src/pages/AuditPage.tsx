import { Box, Button, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import * as React from 'react';
import { FilterField } from '../../../../../admin/lms/FilterField';
import { ListStates } from '../../../../../admin/lms/ListStates';
import { ColumnHeads, LmsPage, Panel } from '../../../../../admin/lms/LmsPage';
import { PageControls } from '../../../../../admin/lms/PageControls';
import { usePagedList } from '../../../../../admin/lms/usePagedList';

type State = Record<string, string | number | boolean | null> | null;

interface AuditEventRow {
  id: number;
  action: string;
  actor: number | null;
  actorRole: string;
  entity: string;
  before: State;
  after: State;
  reason?: string;
  at: string;
}

interface Criteria {
  actor: string;
  entity: string;
  from: string;
  to: string;
}

const EMPTY: Criteria = { actor: '', entity: '', from: '', to: '' };

/** The filters the route takes: empty ones left out; days as the whole day (UTC) they name. */
function queryOf(criteria: Criteria): Record<string, string> {
  const query: Record<string, string> = {};
  if (criteria.actor.trim()) query.actor = criteria.actor.trim();
  if (criteria.entity.trim()) query.entity = criteria.entity.trim();
  if (criteria.from) query.from = `${criteria.from}T00:00:00Z`;
  if (criteria.to) query.to = `${criteria.to}T23:59:59.999Z`;
  return query;
}

/** `{ grade: 7 }` as `grade 7`: the change at a glance. */
const describeState = (state: State) =>
  state
    ? Object.entries(state)
        .map(([key, value]) => `${key} ${value === null ? '–' : String(value)}`)
        .join(', ')
    : '–';

export default function AuditPage() {
  const [draft, setDraft] = React.useState<Criteria>(EMPTY);
  const [criteria, setCriteria] = React.useState<Criteria>(EMPTY);
  const events = usePagedList<AuditEventRow>('/audit/events', {
    filters: queryOf(criteria),
    failure: 'Could not load the audit trail',
  });

  const search = (event: React.FormEvent) => {
    event.preventDefault();
    if (JSON.stringify(draft) === JSON.stringify(criteria)) events.reload();
    else setCriteria({ ...draft });
  };

  const field = (name: keyof Criteria, label: string, type: 'text' | 'date', hint?: string) => (
    <FilterField
      name={name}
      label={label}
      type={type}
      hint={hint}
      value={draft[name]}
      onChange={(value) => setDraft({ ...draft, [name]: value })}
    />
  );

  return (
    <LmsPage
      title="Audit"
      subtitle="Staff actions, kept and never edited: grades, certificates, enrollments, roles, refunds, moderation, exports and erasures."
    >
      <Panel>
        <form onSubmit={search} aria-label="Filter audit events">
          <Flex gap={4} alignItems="flex-end">
            {field('actor', 'Actor (user id)', 'text')}
            {field('entity', 'Entity', 'text', 'A kind (submission) or kind:id')}
            {field('from', 'From', 'date')}
            {field('to', 'To', 'date')}
            <Button type="submit">Filter</Button>
          </Flex>
        </form>
      </Panel>

      <ListStates rows={events.rows} error={events.error} reload={events.reload} empty="No event matches.">
        {(rows) => (
          <Box>
            <Table colCount={6} rowCount={rows.length + 1} aria-label="Audit events">
              <ColumnHeads names={['When', 'Action', 'Actor', 'Entity', 'Change', 'Reason']} />
              <Tbody>
                {rows.map((event) => (
                  <Tr key={event.id}>
                    <Td>
                      <Typography>{new Date(event.at).toLocaleString()}</Typography>
                    </Td>
                    <Td>
                      <Typography fontWeight="bold">{event.action}</Typography>
                    </Td>
                    <Td>
                      <Typography>
                        {event.actor === null ? event.actorRole : `#${event.actor} (${event.actorRole})`}
                      </Typography>
                    </Td>
                    <Td>
                      <Typography>{event.entity}</Typography>
                    </Td>
                    <Td>
                      <Typography variant="pi" tag="p">
                        before: {describeState(event.before)}
                      </Typography>
                      <Typography variant="pi" tag="p">
                        after: {describeState(event.after)}
                      </Typography>
                    </Td>
                    <Td>
                      <Typography>{event.reason ?? ''}</Typography>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            <PageControls pagination={events.pagination} onPage={events.setPage} />
          </Box>
        )}
      </ListStates>
    </LmsPage>
  );
}
