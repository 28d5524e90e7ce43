// The agent workspace: the queues the server keeps for the agent (GET /api/v1/queues), with
// live counts from one polled request, and the selected queue's tickets in the order the
// queue defines (the nearest SLA due time first). Saved filters, personal or shared with a
// team, are queues too; they are made from a filtered list ("Save as queue").
import { useDocumentTitle } from '../title';
import { Alert, Badge, Button, Group, Paper, SegmentedControl, Skeleton, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { allowedMethods, api, errorMessage, qs } from '../api';
import { notify } from '../notify';
import { findType, useMeta, type RecordData, type TypeMeta } from '../meta';
import { RecordTable } from '../components/RecordTable';
import { parseSavedQuery, queueHref, queueTypes, useServerQueues, type ServerQueue } from '../queues';
import { RecordName, useRecord } from '../refs';

const kDescriptions: Record<string, string> = {
  mine: 'Assigned to you and not yet resolved; the nearest SLA due time first.',
  unassigned: 'Open tickets of your teams that nobody has taken yet.',
  breached: 'Open tickets whose resolution target has breached.',
  at_risk: 'Open tickets close to breaching their resolution target.',
};

export function QueuesPage() {
  const { queue = 'mine' } = useParams();
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const meta = useMeta();
  const types = queueTypes(meta.data?.types ?? []);
  const plural = search.get('type') ?? 'incidents';
  const type = findType(meta.data, plural);
  const queues = useServerQueues(plural, !!type);
  const items = queues.data?.items ?? [];
  const current = items.find((q) => q.key === queue);
  useDocumentTitle(current?.name ?? 'Queues');
  if (meta.isPending) return null;
  if (!type) return <Alert color="yellow">This server declares no {plural.replace(/_/g, ' ')}.</Alert>;
  if (queues.isError) return <Alert color="red" title="Could not load the queues">{errorMessage(queues.error)}</Alert>;
  if (queues.isSuccess && !current) return <Navigate to={queueHref(items[0]?.key ?? 'mine', plural)} replace />;
  return (
    <div className="queues">
      <nav aria-label="Queues" className="queue-list">
        <Title order={1} size="h3" mb="sm">
          Queues
        </Title>
        {types.length > 1 ? (
          <SegmentedControl
            aria-label="Ticket type"
            fullWidth
            size="xs"
            mb="sm"
            value={plural}
            onChange={(v) => navigate(queueHref('mine', v))}
            data={types.map((t) => ({ value: t.plural, label: t.plural === 'service_requests' ? 'Requests' : `${t.label}s` }))}
          />
        ) : null}
        {queues.isPending ? (
          <Skeleton h={160} />
        ) : (
          <Stack gap={4}>
            {items.map((q, i) => (
              <div key={q.key}>
                {q.kind !== 'default' && items[i - 1]?.kind === 'default' ? <Text className="nav-heading">Saved filters</Text> : null}
                <QueueLink queue={q} plural={plural} active={q.key === current?.key} label={type.label.toLowerCase()} />
              </div>
            ))}
          </Stack>
        )}
      </nav>
      <Paper withBorder p="md" radius="md" className="queue-body">
        {current ? (
          <QueueBody
            key={`${plural}/${current.key}`}
            type={type}
            queue={current}
            sortOverride={search.get('sort')}
            onSort={(s) => {
              const next = new URLSearchParams(search);
              next.set('sort', s);
              setSearch(next, { replace: true });
            }}
          />
        ) : (
          <Skeleton h={240} />
        )}
      </Paper>
    </div>
  );
}

function QueueLink({ queue, plural, active, label }: { queue: ServerQueue; plural: string; active: boolean; label: string }) {
  const n = queue.count;
  return (
    <UnstyledButton
      component={Link}
      to={queueHref(queue.key, plural)}
      className={`queue-item${active ? ' active' : ''}`}
      aria-current={active ? 'page' : undefined}
    >
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          {queue.name}
        </Text>
        {n === undefined ? (
          <Badge color="gray" variant="light" aria-label="does not run">
            !
          </Badge>
        ) : (
          <Badge variant="light" color={n && (queue.key === 'breached' || queue.key === 'at_risk') ? (queue.key === 'breached' ? 'red' : 'orange') : undefined} aria-label={`${n} ${label}${n === 1 ? '' : 's'}`}>
            {n}
          </Badge>
        )}
      </Group>
    </UnstyledButton>
  );
}

function QueueBody({ type, queue, sortOverride, onSort }: { type: TypeMeta; queue: ServerQueue; sortOverride: string | null; onSort(s: string): void }) {
  const { params, sort } = parseSavedQuery(queue.query ?? '');
  const saved = useRecord(queue.saved_filter ? 'saved_filters' : undefined, queue.saved_filter);
  const client = useQueryClient();
  const navigate = useNavigate();
  // Deleting a saved filter is offered once the server has the route (Allow: …, DELETE).
  const canDelete = useQuery({
    queryKey: ['allow', 'saved_filters'],
    queryFn: () => allowedMethods(`/api/v1/saved_filters/${queue.saved_filter}`),
    enabled: !!queue.saved_filter,
    staleTime: Infinity,
  });
  const description =
    kDescriptions[queue.key] ??
    (queue.kind === 'team' ? (
      <>
        Shared with the team{' '}
        {typeof saved.data?.team === 'number' ? <RecordName type="team" id={saved.data.team} /> : '…'}
      </>
    ) : (
      'Your personal saved filter.'
    ));
  return (
    <>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {queue.name}
        </Title>
        {queue.saved_filter ? (
          <Group gap="xs">
            <Button size="xs" variant="default" component={Link} to={`/r/${type.plural}${qs({ ...params, sort })}`}>
              Open as list
            </Button>
            <Button size="xs" variant="default" component={Link} to={`/r/saved_filters/${queue.saved_filter}`}>
              Edit queue
            </Button>
            {saved.data && canDelete.data?.includes('DELETE') ? (
              <DeleteQueueButton
                filter={saved.data}
                onDeleted={() => {
                  void client.invalidateQueries({ queryKey: ['queues'] });
                  navigate(queueHref('mine', type.plural), { replace: true });
                }}
              />
            ) : null}
          </Group>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {description}
      </Text>
      {queue.error ? (
        <Alert color="orange" title="This saved filter no longer runs">
          {queue.error}
        </Alert>
      ) : (
        <RecordTable
          type={type}
          params={params}
          sort={sortOverride ?? sort ?? '-id'}
          onSort={onSort}
          portal={false}
          hrefFor={(r) => `/r/${type.plural}/${r.id}`}
          caption={queue.name}
          hotkeys
          emptyText="This queue is empty."
          columns={queueColumns(type, queue.key)}
        />
      )}
    </>
  );
}

// Saved filters are records like any other: renamed, re-filtered or shared through their
// generic edit form; deleted when the server has DELETE for them.
function DeleteQueueButton({ filter, onDeleted }: { filter: RecordData; onDeleted(): void }) {
  return (
    <Button
      size="xs"
      variant="default"
      color="red"
      onClick={async () => {
        try {
          await api(`/api/v1/saved_filters/${filter.id}`, { method: 'DELETE', ifMatch: filter.version });
          notify({ color: 'green', message: `The queue “${String(filter.name)}” is deleted` });
          onDeleted();
        } catch (e) {
          notify({ color: 'red', title: 'Could not delete the queue', message: errorMessage(e) });
        }
      }}
    >
      Delete queue
    </Button>
  );
}

function queueColumns(type: TypeMeta, queue: string): string[] {
  const sla = type.fields.some((f) => f.name === 'sla_due_at') ? ['sla_due_at'] : [];
  // Waiting time matters most: the SLA due column when the server keeps one, else the age.
  const when = sla.length ? sla : ['created_at'];
  const cols =
    queue === 'mine' || queue === 'unassigned'
      ? ['number', 'title', 'status', 'priority', 'service', 'customer', ...when]
      : ['number', 'title', 'status', 'priority', 'customer', 'assignee', ...when];
  return cols.filter((c) => c === 'number' || c === 'status' || c.endsWith('_at') || type.fields.some((f) => f.name === c));
}
