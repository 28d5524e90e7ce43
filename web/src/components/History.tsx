// A record's history from the hash-chained event log, oldest first: who, when, what. Field
// changes list before → after; the service desk's own events (survey, approval, files,
// problem links) say what happened in words.
import { Alert, Anchor, Skeleton, Text, Timeline } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api';
import { FieldValue, formatTimestamp } from '../fields';
import { humanize, type FieldMeta, type TypeMeta } from '../meta';

export interface HistoryEvent {
  seq: number;
  at: string;
  actor: string;
  actor_id: number;
  action: string;
  data: {
    number?: string;
    values?: Record<string, unknown>;
    status?: string;
    changes?: Record<string, unknown>;
    from?: string;
    to?: string;
    [k: string]: unknown;
  };
}

export function useHistory(plural: string, id: number) {
  return useQuery({
    queryKey: ['history', plural, id],
    queryFn: () => api<{ items: HistoryEvent[] }>(`/api/v1/${plural}/${id}/history`),
  });
}

function Change({ field, change }: { field: FieldMeta | undefined; change: unknown }) {
  const label = field?.label ?? humanize(String(field?.name ?? ''));
  const [before, after] = Array.isArray(change) && change.length === 2 ? change : [undefined, change];
  return (
    <li>
      <Text span size="sm" fw={500}>
        {label}
      </Text>
      {': '}
      {before !== undefined ? (
        <>
          {field ? <FieldValue field={field} value={before} link={false} /> : String(before)}
          {' → '}
        </>
      ) : null}
      {field ? <FieldValue field={field} value={after} link={false} /> : String(after)}
    </li>
  );
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

// What an event says, in a few words.
function eventTitle(ev: HistoryEvent): string {
  const d = ev.data;
  switch (ev.action) {
    case 'create':
      return 'Created';
    case 'transition':
      return `${humanize(d.from ?? '')} → ${humanize(d.to ?? '')}`;
    case 'survey':
      return `Satisfaction survey answered: ${str(d.rating)} of 5`;
    case 'approval':
      return d.decision === 'reject' || d.decision === 'rejected' ? 'Approval refused' : 'Approved';
    case 'attachment':
      return `File attached${d.filename ? `: ${str(d.filename)}` : ''}`;
    case 'reply':
      return 'Replied';
    case 'customer_reply':
      return 'The customer replied';
    case 'note':
      return 'Internal note';
    case 'watch':
      return 'Started watching';
    case 'unwatch':
      return 'Stopped watching';
    default:
      return humanize(ev.action);
  }
}

// Timeline clones its children with its own props (active line, alignment): passed on.
export function HistoryItem({
  type,
  ev,
  file,
  ...timelineProps
}: {
  type: TypeMeta;
  ev: HistoryEvent;
  file?: { id: number; filename: string };
  [k: string]: unknown;
}) {
  const fieldOf = (name: string) => type.fields.find((f) => f.name === name) ?? ({ name, label: humanize(name), kind: 'text' } as FieldMeta);
  const changes = ev.action === 'create' ? Object.entries(ev.data.values ?? {}) : Object.entries(ev.data.changes ?? {});
  const comment = ev.action === 'survey' || ev.action === 'approval' ? str(ev.data.comment) : '';
  return (
    <Timeline.Item {...timelineProps} title={eventTitle(ev)}>
      <Text size="xs" c="dimmed">
        {ev.actor} · <time dateTime={ev.at}>{formatTimestamp(ev.at)}</time>
      </Text>
      {file ? (
        <Anchor href={`/api/v1/attachments/${file.id}/content`} download={file.filename} size="sm">
          {file.filename}
        </Anchor>
      ) : null}
      {comment ? (
        <Text size="sm" className="prewrap">
          “{comment}”
        </Text>
      ) : null}
      {changes.length ? (
        <ul className="changes">
          {changes.map(([k, v]) => (
            <Change key={k} field={fieldOf(k)} change={v} />
          ))}
        </ul>
      ) : null}
    </Timeline.Item>
  );
}

// An update whose every change was internal reaches a requester with nothing in it: left out.
export function isEmptyUpdate(ev: HistoryEvent): boolean {
  return ev.action === 'update' && Object.keys(ev.data.changes ?? {}).length === 0;
}

export function HistoryTimeline({ type, id }: { type: TypeMeta; id: number }) {
  const history = useHistory(type.plural, id);
  if (history.isPending) return <Skeleton h={80} />;
  if (history.isError) return <Alert color="red">{errorMessage(history.error)}</Alert>;
  const items = history.data.items.filter((ev) => !isEmptyUpdate(ev));
  return (
    <Timeline bulletSize={14} lineWidth={2} active={items.length - 1}>
      {items.map((ev) => (
        <HistoryItem key={ev.seq} type={type} ev={ev} />
      ))}
    </Timeline>
  );
}
