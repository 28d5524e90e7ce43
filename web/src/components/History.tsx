// A record's history from the hash-chained event log, oldest first: who, when, what.
import { Alert, Skeleton, Text, Timeline } from '@mantine/core';
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

export function HistoryTimeline({ type, id }: { type: TypeMeta; id: number }) {
  const history = useHistory(type.plural, id);
  if (history.isPending) return <Skeleton h={80} />;
  if (history.isError) return <Alert color="red">{errorMessage(history.error)}</Alert>;
  const fieldOf = (name: string) => type.fields.find((f) => f.name === name);
  const items = history.data.items;
  return (
    <Timeline bulletSize={14} lineWidth={2} active={items.length - 1}>
      {items.map((ev) => {
        const changes =
          ev.action === 'create'
            ? Object.entries(ev.data.values ?? {})
            : Object.entries(ev.data.changes ?? {});
        const title =
          ev.action === 'create'
            ? 'Created'
            : ev.action === 'transition'
              ? `${humanize(ev.data.from ?? '')} → ${humanize(ev.data.to ?? '')}`
              : humanize(ev.action);
        return (
          <Timeline.Item key={ev.seq} title={title}>
            <Text size="xs" c="dimmed">
              {ev.actor} · <time dateTime={ev.at}>{formatTimestamp(ev.at)}</time>
            </Text>
            {changes.length ? (
              <ul className="changes">
                {changes.map(([k, v]) => (
                  <Change key={k} field={fieldOf(k) ?? ({ name: k, label: humanize(k), kind: 'text' } as FieldMeta)} change={v} />
                ))}
              </ul>
            ) : null}
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
