// What the service desk adds to a ticket's screen beyond the generic detail:
//  - staff: the active known errors (with their workaround) on an incident's service or
//    configuration item; a major incident's review requirement and the link to create it;
//    a service request's approval when it waits for the viewer's decision;
//  - requesters: confirm or reopen a resolved ticket, and the one-question satisfaction
//    survey (1–5 and a comment, once) on a resolved or closed ticket.
import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Group, Paper, Radio, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError, api, errorMessage, qs } from '../api';
import { isAdmin, useUser } from '../auth';
import { allowedTransitions, typeByName, useMeta, type Page, type RecordData, type TypeMeta } from '../meta';
import { notify } from '../notify';
import { recordKey } from '../refs';

export interface KnownError {
  id: number;
  number: string;
  title: string;
  workaround: string;
  problem?: number;
}

// States in which a ticket's work is done, waiting for the customer's word.
const kResolvedLike = new Set(['resolved', 'fulfilled']);
// Where the customer's verdict moves a resolved ticket.
const kSurveyStates = new Set(['resolved', 'fulfilled', 'closed']);

function useInvalidateTicket(type: TypeMeta, id: number) {
  const client = useQueryClient();
  return (r?: RecordData) => {
    if (r) client.setQueryData(recordKey(type.plural, id), r);
    for (const key of ['record', 'history', 'sla']) void client.invalidateQueries({ queryKey: [key, type.plural, id] });
    void client.invalidateQueries({ queryKey: ['list', type.plural] });
    void client.invalidateQueries({ queryKey: ['queues'] });
  };
}

// Active known errors on the incident's service or configuration item: the create (or
// service change) answer carries them (`seed`), and they stay on screen while it is open.
export function KnownErrorsPanel({ record, seed }: { record: RecordData; seed?: KnownError[] }) {
  const meta = useMeta();
  const ke = typeByName(meta.data, 'known_error');
  const service = typeof record.service === 'number' ? record.service : null;
  const ci = typeof record.configuration_item === 'string' && record.configuration_item ? record.configuration_item : null;
  const found = useQuery({
    queryKey: ['known-errors', service, ci],
    queryFn: async () => {
      const lists = await Promise.all(
        [service ? { service } : null, ci ? { configuration_item: ci } : null]
          .filter((p) => p !== null)
          .map((p) => api<Page>(`/api/v1/known_errors${qs({ ...p, status: 'active', sort: '-id', limit: 20 })}`)),
      );
      const byId = new Map<number, KnownError>();
      for (const l of lists) for (const r of l.items) byId.set(r.id, r as unknown as KnownError);
      return [...byId.values()];
    },
    enabled: !!ke && (!!service || !!ci),
    initialData: seed,
    staleTime: 60_000,
  });
  const items = found.data ?? [];
  if (!ke || items.length === 0) return null;
  return (
    <Alert color="orange" title={items.length === 1 ? 'A known error matches this incident' : `${items.length} known errors match this incident`} role="region">
      <Stack gap="sm">
        {items.map((k) => (
          <div key={k.id}>
            <Text size="sm" fw={600}>
              <Anchor component={Link} to={`/r/known_errors/${k.id}`} size="sm" c="blue.9">
                {k.number}
              </Anchor>{' '}
              {k.title}
            </Text>
            <Text size="sm" className="prewrap">
              <Text span fw={600} size="sm">
                Workaround:{' '}
              </Text>
              {k.workaround}
            </Text>
          </div>
        ))}
      </Stack>
    </Alert>
  );
}

// A major incident (flagged, or P1: the server's default major priority) closes only once a
// post-incident review names it (409 otherwise): say so, and link to the review or its form.
export function MajorIncidentPanel({ record }: { record: RecordData }) {
  const meta = useMeta();
  const pir = typeByName(meta.data, 'post_incident_review');
  const major = record.major_incident === true || record.priority === 'P1';
  const reviews = useQuery({
    queryKey: ['list', 'post_incident_reviews', { incident: String(record.id) }, 'pir'],
    queryFn: () => api<Page>(`/api/v1/post_incident_reviews${qs({ incident: record.id, limit: 5 })}`),
    enabled: !!pir && major,
  });
  if (!pir || !major || record.status === 'cancelled') return null;
  const done = reviews.data?.items ?? [];
  if (done.length)
    return (
      <Alert color="green" title="Major incident: reviewed" role="region">
        {done.map((r) => (
          <Anchor key={r.id} component={Link} to={`/r/post_incident_reviews/${r.id}`} size="sm" mr="sm" c="blue.9">
            {r.number} {String(r.title ?? '')}
          </Anchor>
        ))}
      </Alert>
    );
  const title = `Review of ${record.number}: ${String(record.title ?? '')}`.slice(0, 500);
  return (
    <Alert color="red" title="Major incident: a post-incident review is required" role="region">
      <Text size="sm">
        It can be closed only after a post-incident review (timeline, root cause summary, actions) names it.
      </Text>
      {reviews.isSuccess ? (
        <Button mt="xs" size="xs" color="red" component={Link} to={`/r/post_incident_reviews/new${qs({ incident: record.id, title })}`}>
          Create the post-incident review
        </Button>
      ) : null}
    </Alert>
  );
}

// A service request waiting for approval: its approver (or an administrator) decides here.
export function ApprovalPanel({ type, record }: { type: TypeMeta; record: RecordData }) {
  const user = useUser();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const done = useInvalidateTicket(type, record.id);
  if (type.name !== 'service_request' || record.status !== 'awaiting_approval') return null;
  const mine = record.approver === user.id || isAdmin(user);
  async function decide(decision: 'approve' | 'reject') {
    setBusy(true);
    setError(null);
    try {
      const r = await api<RecordData>(`/api/v1/${type.plural}/${record.id}/approval`, {
        method: 'POST',
        body: { decision, comment: comment.trim() || undefined },
        ifMatch: record.version,
      });
      notify({ color: 'green', message: `${record.number} is ${decision === 'approve' ? 'approved' : 'rejected'}` });
      done(r);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.isConflict) done();
    } finally {
      setBusy(false);
    }
  }
  if (!mine)
    return (
      <Alert color="blue" title="Awaiting approval" role="region">
        The approver decides before the request is fulfilled.
      </Alert>
    );
  const apiError = error instanceof ApiError ? error : null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="approval-title" className="panel-attention">
      <Title order={2} size="h4" id="approval-title" mb="xs">
        Your approval is needed
      </Title>
      <Stack gap="xs">
        {error ? (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        ) : null}
        <Textarea
          label="Comment"
          description="Required when you reject the request."
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          error={apiError?.fieldError('comment')}
          autosize
          minRows={2}
        />
        <Group>
          <Button size="xs" color="green" loading={busy} onClick={() => void decide('approve')}>
            Approve
          </Button>
          <Button size="xs" color="red" variant="light" loading={busy} onClick={() => void decide('reject')}>
            Reject
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

// Requesters: is the resolved ticket solved? Confirm (→ closed) or reopen it.
export function PortalResolutionPanel({ type, record }: { type: TypeMeta; record: RecordData }) {
  const [busy, setBusy] = useState(false);
  const done = useInvalidateTicket(type, record.id);
  if (!record.status || !kResolvedLike.has(record.status)) return null;
  const targets = allowedTransitions(type, record.status);
  const final = new Set(type.workflow?.final_states ?? []);
  const confirm = targets.find((t) => t === 'closed');
  const reopen = targets.find((t) => !final.has(t) && t !== 'closed');
  if (!confirm && !reopen) return null;
  async function move(to: string, what: string) {
    setBusy(true);
    try {
      const r = await api<RecordData>(`/api/v1/${type.plural}/${record.id}/transitions`, { method: 'POST', body: { to }, ifMatch: record.version });
      notify({ color: 'green', message: what });
      done(r);
    } catch (e) {
      notify({ color: 'red', title: 'That did not work', message: errorMessage(e) });
      if (e instanceof ApiError && e.isConflict) done();
    } finally {
      setBusy(false);
    }
  }
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="resolution-title" className="panel-attention">
      <Title order={2} size="h4" id="resolution-title">
        Is your issue solved?
      </Title>
      <Text size="sm" mb="xs">
        The service desk marked this ticket {record.status === 'fulfilled' ? 'fulfilled' : 'resolved'}. Confirm it to close the ticket, or reopen
        it if the problem is still there (a reply below helps us understand why).
      </Text>
      <Group>
        {confirm ? (
          <Button size="sm" loading={busy} onClick={() => void move(confirm, `${record.number} is closed. Thank you for confirming.`)}>
            Yes, close the ticket
          </Button>
        ) : null}
        {reopen ? (
          <Button size="sm" variant="default" loading={busy} onClick={() => void move(reopen, `${record.number} is reopened`)}>
            No, reopen it
          </Button>
        ) : null}
      </Group>
    </Paper>
  );
}

const kRatings = [
  ['1', '1 · Very poor'],
  ['2', '2 · Poor'],
  ['3', '3 · Fair'],
  ['4', '4 · Good'],
  ['5', '5 · Very good'],
];

// Requesters: the satisfaction survey, once, on a resolved or closed ticket; afterwards the
// answer they gave.
export function SurveyPanel({ type, record }: { type: TypeMeta; record: RecordData }) {
  const [rating, setRating] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const done = useInvalidateTicket(type, record.id);
  if (!type.fields.some((f) => f.name === 'satisfaction_rating') || !record.status || !kSurveyStates.has(record.status)) return null;
  if (typeof record.satisfaction_rating === 'number')
    return (
      <Paper withBorder p="md" radius="md" component="section" aria-label="Your rating">
        <Text size="sm">
          You rated how this ticket was handled <strong>{record.satisfaction_rating} of 5</strong>
          {typeof record.satisfaction_comment === 'string' && record.satisfaction_comment ? `: “${record.satisfaction_comment}”` : ''}. Thank you.
        </Text>
      </Paper>
    );
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/${type.plural}/${record.id}/survey`, {
        method: 'POST',
        body: { rating: rating ? Number(rating) : undefined, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
      notify({ color: 'green', message: 'Thank you for your answer' });
      done();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.status === 409) done();
    } finally {
      setBusy(false);
    }
  }
  const apiError = error instanceof ApiError ? error : null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="survey-title" className="panel-attention">
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Title order={2} size="h4" id="survey-title">
            How did we do?
          </Title>
          {error && !apiError?.fieldError('rating') ? (
            <Alert color="red" role="alert">
              {errorMessage(error)}
            </Alert>
          ) : null}
          <Radio.Group
            label="How satisfied are you with how this ticket was handled?"
            value={rating}
            onChange={setRating}
            required
            error={apiError?.fieldError('rating')}
          >
            <Group gap="md" mt={6}>
              {kRatings.map(([v, l]) => (
                <Radio key={v} value={v} label={l} />
              ))}
            </Group>
          </Radio.Group>
          <Textarea
            label="Comment (optional)"
            value={comment}
            maxLength={4000}
            onChange={(e) => setComment(e.currentTarget.value)}
            error={apiError?.fieldError('comment')}
            autosize
            minRows={2}
          />
          <Group>
            <Button type="submit" loading={busy} disabled={!rating}>
              Send my answer
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
