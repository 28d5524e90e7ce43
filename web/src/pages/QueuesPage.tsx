// The agent workspace: incident queues as saved filters with live counts (polled), and the
// selected queue's tickets, oldest-first by default so the longest waiting come first.
import { useDocumentTitle } from '../title';
import { useMemo } from 'react';
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, qs } from '../api';
import { useUser } from '../auth';
import { openStates, typeByName, useMeta, type Page, type TypeMeta } from '../meta';
import { RecordTable, type ListParams } from '../components/RecordTable';
import { useSavedQueues } from '../savedQueues';

interface Queue {
  key: string;
  label: string;
  description: string;
  params: ListParams | null; // null: cannot be built (e.g. no teams)
  saved?: boolean;
}

export function useQueues(incident: TypeMeta | undefined): { queues: Queue[]; loading: boolean } {
  const user = useUser();
  const saved = useSavedQueues(user.id).queues;
  const teams = useQuery({
    queryKey: ['my-teams', user.id],
    queryFn: () => api<Page>('/api/v1/teams?limit=500'),
    staleTime: 300_000,
  });
  return useMemo(() => {
    if (!incident) return { queues: [], loading: true };
    const open = openStates(incident).join(',');
    const mine = (teams.data?.items ?? []).filter((t) => Array.isArray(t.members) && t.members.includes(user.id));
    const queues: Queue[] = [
      { key: 'mine', label: 'My open incidents', description: 'Assigned to you, not yet resolved', params: { assignee: String(user.id), 'status.in': open } },
      {
        key: 'unassigned',
        label: 'Unassigned in my teams',
        description: mine.length ? `For ${mine.map((t) => t.name).join(', ')}, nobody assigned` : 'You are in no team',
        params: mine.length ? { 'assignment_group.in': mine.map((t) => t.id).join(','), assignee: 'null', 'status.in': open } : null,
      },
      { key: 'new', label: 'New, not triaged', description: 'Status new, any team', params: { status: 'new' } },
      { key: 'open', label: 'All open incidents', description: 'Every incident not yet resolved', params: { 'status.in': open } },
      { key: 'resolved', label: 'Resolved, awaiting closure', description: 'Resolved, not yet closed', params: { status: 'resolved' } },
    ];
    for (const q of saved)
      queues.push({ key: q.key, label: q.label, description: 'Saved from a filtered incident list', params: q.params, saved: true });
    return { queues, loading: teams.isPending };
  }, [incident, teams.data, teams.isPending, user.id, saved]);
}

function QueueCount({ params }: { params: ListParams | null }) {
  const count = useQuery({
    queryKey: ['queue-count', params],
    queryFn: () => api<Page>(`/api/v1/incidents${qs({ ...params, limit: 1, count: true })}`),
    enabled: !!params,
    refetchInterval: 30_000,
  });
  if (!params) return <Badge color="gray" variant="light">–</Badge>;
  return (
    <Badge variant="light" aria-label={count.data ? `${count.data.total} incidents` : 'counting'}>
      {count.data?.total ?? '…'}
    </Badge>
  );
}

export function QueuesPage() {
  const { queue = 'mine' } = useParams();
  const meta = useMeta();
  const incident = typeByName(meta.data, 'incident');
  const { queues } = useQueues(incident);
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const removeSaved = useSavedQueues(useUser().id).remove;
  useDocumentTitle(queues.find((q) => q.key === queue)?.label ?? 'Queues');
  if (meta.isPending) return null;
  if (!incident) return <Alert color="yellow">This server declares no incident type.</Alert>;
  const current = queues.find((q) => q.key === queue);
  if (!current) return <Navigate to="/queues" replace />;
  const sort = search.get('sort') ?? 'created_at';
  return (
    <div className="queues">
      <nav aria-label="Queues" className="queue-list">
        <Title order={1} size="h3" mb="sm">
          Queues
        </Title>
        <Stack gap={4}>
          {queues.map((q) => (
            <UnstyledButton
              key={q.key}
              component={Link}
              to={`/queues/${q.key}`}
              className={`queue-item${q.key === current.key ? ' active' : ''}`}
              aria-current={q.key === current.key ? 'page' : undefined}
            >
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm" fw={500}>
                  {q.label}
                </Text>
                <QueueCount params={q.params} />
              </Group>
            </UnstyledButton>
          ))}
        </Stack>
      </nav>
      <Paper withBorder p="md" radius="md" className="queue-body">
        <Group justify="space-between">
          <Title order={2} size="h3">
            {current.label}
          </Title>
          {current.saved ? (
            <Group gap="xs">
              <Button size="xs" variant="default" component={Link} to={`/r/incidents${qs(current.params ?? {})}`}>
                Edit filters
              </Button>
              <Button
                size="xs"
                variant="default"
                color="red"
                onClick={() => {
                  removeSaved(current.key);
                  navigate('/queues', { replace: true });
                }}
              >
                Remove queue
              </Button>
            </Group>
          ) : null}
        </Group>
        <Text size="sm" c="dimmed" mb="sm">
          {current.description}
        </Text>
        {current.params ? (
          <RecordTable
            type={incident}
            params={current.params}
            sort={sort}
            onSort={(s) => setSearch({ sort: s }, { replace: true })}
            portal={false}
            hrefFor={(r) => `/r/incidents/${r.id}`}
            caption={current.label}
            hotkeys
            emptyText="This queue is empty."
            columns={queueColumns(incident, current.key)}
          />
        ) : (
          <Text c="dimmed">Ask an administrator to add you to a team.</Text>
        )}
      </Paper>
    </div>
  );
}

function queueColumns(incident: TypeMeta, queue: string): string[] {
  const sla = incident.fields.some((f) => f.name === 'sla_due_at') ? ['sla_due_at'] : [];
  // Waiting time matters most: the SLA due column when the server keeps one, else the age.
  const when = sla.length ? sla : ['created_at'];
  const cols =
    queue === 'mine' || queue === 'unassigned'
      ? ['number', 'title', 'status', 'priority', 'service', 'customer', ...when]
      : ['number', 'title', 'status', 'priority', 'customer', 'assignee', ...when];
  return cols.filter((c) => c === 'number' || c === 'status' || c.endsWith('_at') || incident.fields.some((f) => f.name === c));
}
