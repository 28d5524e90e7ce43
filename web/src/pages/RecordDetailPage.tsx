// The detail screen for any record: its fields, workflow buttons, edit form and history.
// Tickets (types with an assignee) get quick actions with keyboard shortcuts, the timeline
// with replies and internal notes, files and watchers (when the server has the ticket
// conversation), and incidents the live SLA clock panel, the known errors that match and a
// major incident's review requirement. In the portal (portal=true) the same screen shows a
// requester's ticket: public fields and replies, confirm/reopen and the survey.
import { useDocumentTitle } from '../title';
import { useRef, useState } from 'react';
import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, Kbd, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { notify } from '../notify';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError, api, errorMessage } from '../api';
import { canWriteType, useUser } from '../auth';
import { FieldValue, StatusBadge, formatTimestamp } from '../fields';
import { findType, recordTitle, titleField, useMeta, visibleFields, type RecordData, type TypeMeta } from '../meta';
import { recordKey, useMyTeams, UserName } from '../refs';
import { RecordForm } from '../components/RecordForm';
import { WorkflowButtons, type WorkflowHandle } from '../components/Workflow';
import { Activity, AttachmentsPanel, useComments, WatchersPanel, type ActivityHandle } from '../components/Conversation';
import { ApprovalPanel, KnownErrorsPanel, MajorIncidentPanel, PortalResolutionPanel, SurveyPanel, type KnownError } from '../components/TicketPanels';
import { NotFound } from '../components/NotFound';
import { SlaPanel } from '../components/SlaPanel';
import { RelatedRecords } from '../components/Related';
import { useServerFeatures } from '../features';

export function RecordDetailPage() {
  const { plural, id } = useParams();
  const meta = useMeta();
  const type = findType(meta.data, plural);
  if (meta.isPending) return null;
  if (!type || !id || !/^\d+$/.test(id)) return <NotFound what="record" />;
  return <Detail key={`${type.plural}/${id}`} type={type} id={Number(id)} listHref={`/r/${type.plural}`} portal={false} />;
}

interface DetailProps {
  type: TypeMeta;
  id: number;
  listHref: string;
  portal: boolean;
}

export function useRecordQuery(type: TypeMeta, id: number) {
  return useQuery({
    queryKey: recordKey(type.plural, id),
    queryFn: () => api<RecordData>(`/api/v1/${type.plural}/${id}`),
    // A ticket on screen is refreshed often: a colleague may be working it too.
    staleTime: 5_000,
    refetchInterval: 30_000,
  });
}

export function Detail({ type, id, listHref, portal }: DetailProps) {
  const user = useUser();
  const client = useQueryClient();
  const features = useServerFeatures();
  const rec = useRecordQuery(type, id);
  useDocumentTitle(rec.data ? `${rec.data.number} ${recordTitle(type, rec.data)}` : type.label);
  const [editing, setEditing] = useState(false);
  // Empty fields are folded away: a ticket's dozens of unset fields would push its
  // conversation off the screen.
  const [showEmpty, setShowEmpty] = useState(false);
  // The version the edit form started from: a background refresh must not silently
  // rebase the user's edit onto someone else's change.
  const [editBase, setEditBase] = useState<RecordData | null>(null);
  const workflow = useRef<WorkflowHandle>(null);
  const writable = canWriteType(user, type.name) && !portal;
  const isTicket = type.fields.some((f) => f.name === 'assignee');
  const teams = useMyTeams(isTicket && writable);
  const activity = useRef<ActivityHandle>(null);
  // The ticket conversation exists on this server and for this type (404 otherwise).
  const conversation = useComments(type.plural, id).isSuccess;
  // Known errors that came back with the create (or a service change) of an incident.
  const location = useLocation();
  const [knownErrors, setKnownErrors] = useState<KnownError[] | undefined>(
    () => (location.state as { knownErrors?: KnownError[] } | null)?.knownErrors,
  );

  const saved = (r: RecordData) => {
    if (Array.isArray(r.known_errors)) setKnownErrors(r.known_errors as KnownError[]);
    client.setQueryData(recordKey(type.plural, r.id), r);
    void client.invalidateQueries({ queryKey: ['history', type.plural, r.id] });
    void client.invalidateQueries({ queryKey: ['list', type.plural] });
    void client.invalidateQueries({ queryKey: ['queues'] });
    void client.invalidateQueries({ queryKey: ['sla', type.plural, r.id] });
  };

  async function assignToMe() {
    const r = rec.data;
    if (!r || !isTicket) return;
    const mine = teams.mine;
    const body: Record<string, unknown> = { assignee: user.id };
    const group = r.assignment_group as number | null;
    if (!group || !mine.some((t) => t.id === group)) {
      if (!mine.length) {
        notify({ color: 'red', title: 'Cannot assign', message: 'You are not a member of any team.' });
        return;
      }
      body.assignment_group = mine[0].id;
    }
    try {
      const updated = await api<RecordData>(`/api/v1/${type.plural}/${r.id}`, { method: 'PATCH', body, ifMatch: r.version });
      saved(updated);
      notify({ color: 'green', message: `${updated.number} is assigned to you` });
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) void rec.refetch();
      notify({ color: 'red', title: 'Could not assign', message: errorMessage(e) });
    }
  }

  useHotkeys([
    ['a', () => writable && isTicket && void assignToMe()],
    ['e', () => writable && startEdit()],
    ['r', () => writable && workflow.current?.start('resolved')],
    ['c', () => activity.current?.compose(false)],
    ['i', () => writable && activity.current?.compose(true)],
    [
      't',
      () => {
        const first = document.querySelector<HTMLButtonElement>('[aria-label="Workflow"] button');
        first?.focus();
      },
    ],
  ]);

  function startEdit() {
    if (!rec.data) return;
    setEditBase(rec.data);
    setEditing(true);
  }

  const showSla = features.slaClock && type.fields.some((f) => f.name === 'sla_due_at');
  if (rec.isPending) return <Skeleton h={240} />;
  if (rec.isError) {
    if (rec.error instanceof ApiError && rec.error.status === 404) return <NotFound what="record" />;
    return <Alert color="red">{errorMessage(rec.error)}</Alert>;
  }
  const r = rec.data;
  // Portal users: only what the server sent (it strips internal fields for them).
  // The SLA panel explains the clock; its stored figures would repeat it in the field list.
  const fields = visibleFields(type, portal).filter((f) => (!portal || f.name in r) && !(showSla && isSlaFigure(f.name)));
  const title = recordTitle(type, r);
  const titleF = titleField(type);
  const emptyCount = fields.filter((f) => f !== titleF && isEmpty(r[f.name])).length;
  const open = !!type.workflow && !!r.status && !type.workflow.final_states.includes(r.status) && r.status !== 'resolved';
  const side = showSla || conversation;

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to={listHref}>
          {portal ? 'Our tickets' : `${type.label}s`}
        </Anchor>
        <Text span>{r.number}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Group gap="xs">
            <Badge variant="outline" radius="sm">
              {r.number}
            </Badge>
            <StatusBadge status={r.status} />
          </Group>
          <Title order={1} size="h2" mt={4}>
            {title}
          </Title>
          <Text size="xs" c="dimmed">
            Version {r.version} · updated {formatTimestamp(r.updated_at)}
            {r.created_by !== undefined ? (
              <>
                {' '}
                · created by <UserName id={r.created_by} />
              </>
            ) : null}
          </Text>
        </div>
        {writable && !editing ? (
          <Group gap="xs" wrap="nowrap">
            {isTicket ? (
              <Button size="xs" variant="light" onClick={() => void assignToMe()} disabled={r.assignee === user.id}>
                Assign to me <Kbd ml={6} size="xs">a</Kbd>
              </Button>
            ) : null}
            <Button size="xs" variant="light" onClick={startEdit}>
              Edit <Kbd ml={6} size="xs">e</Kbd>
            </Button>
          </Group>
        ) : null}
      </Group>
      {writable && !editing ? <WorkflowButtons ref={workflow} type={type} record={r} onDone={saved} onStale={() => void rec.refetch()} /> : null}
      {!portal && type.name === 'incident' && open ? <KnownErrorsPanel record={r} seed={knownErrors} /> : null}
      {!portal && type.fields.some((f) => f.name === 'major_incident') ? <MajorIncidentPanel record={r} /> : null}
      {!portal ? <ApprovalPanel type={type} record={r} /> : null}
      {portal ? <PortalResolutionPanel type={type} record={r} /> : null}
      {portal ? <SurveyPanel type={type} record={r} /> : null}
      <div className={side ? 'detail-grid with-side' : 'detail-grid'}>
        <Stack gap="md">
          <Paper withBorder p="md" radius="md">
            {editing && editBase ? (
              <RecordForm
                key={editBase.version}
                type={type}
                record={editBase}
                portal={portal}
                onSaved={(u) => {
                  saved(u);
                  setEditing(false);
                }}
                onCancel={() => setEditing(false)}
                onReload={() => {
                  void rec.refetch().then((res) => res.data && setEditBase(res.data));
                }}
              />
            ) : (
              <>
              <dl className="field-list">
                {fields.filter((f) => showEmpty || f === titleF || !isEmpty(r[f.name])).map((f) => (
                  <div key={f.name} className={f.multiline || f.kind === 'json' || f === titleF || f.name.endsWith('_html') ? 'field wide' : 'field'}>
                    <dt>{f.label}</dt>
                    <dd>
                      <FieldValue field={f} value={r[f.name]} link={!portal} />
                    </dd>
                  </div>
                ))}
              </dl>
              {emptyCount ? (
                <Button variant="subtle" size="compact-xs" mt="xs" onClick={() => setShowEmpty((v) => !v)} aria-expanded={showEmpty}>
                  {showEmpty ? 'Hide the empty fields' : `Show ${emptyCount} empty ${emptyCount === 1 ? 'field' : 'fields'}`}
                </Button>
              ) : null}
              </>
            )}
          </Paper>
          {!portal && !editing && !conversation ? <RelatedRecords type={type} id={r.id} /> : null}
          <Paper withBorder p="md" radius="md" component="section" aria-labelledby="activity-title">
            <Title order={2} size="h4" mb="sm" id="activity-title">
              {conversation ? (portal ? 'Conversation' : 'Activity') : 'History'}
            </Title>
            <Activity ref={activity} type={type} id={r.id} portal={portal} canReply={portal || writable} />
          </Paper>
          {/* A ticket's conversation comes first; what refers to it after. */}
          {!portal && !editing && conversation ? <RelatedRecords type={type} id={r.id} /> : null}
        </Stack>
        {side ? (
          <Stack gap="md">
            {showSla ? <SlaPanel plural={type.plural} id={r.id} version={r.version} /> : null}
            {conversation ? <WatchersPanel type={type} id={r.id} /> : null}
            {conversation ? <AttachmentsPanel type={type} id={r.id} canUpload={portal || writable} /> : null}
          </Stack>
        ) : null}
      </div>
    </Stack>
  );
}

// The ticket fields the server derives from the SLA clock (sla_fields() on the server).
function isSlaFigure(name: string): boolean {
  return name.startsWith('sla_') || name === 'is_open' || /^(response|resolution)_(due_at|met_at|breached_at|breached)$/.test(name);
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}
