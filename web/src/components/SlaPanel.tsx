// The live SLA clocks of a ticket (GET /api/v1/{type}/{id}/sla): remaining business time
// per target, at-risk and breached states, and the segments that explain the elapsed time
// (running, paused, outside service hours) as a small timeline bar. Between fetches a
// running clock ticks locally; the server stays the authority and is asked again every
// minute and after every change of the ticket.
import { useEffect, useState } from 'react';
import { Alert, Badge, Group, Paper, Progress, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError, api, errorMessage } from '../api';
import { formatDuration, formatTimestamp } from '../fields';
import { humanize } from '../meta';

export interface SlaSegment {
  from: string;
  to: string | null;
  state: 'running' | 'paused' | 'outside_hours' | string;
}

export interface SlaTarget {
  kind: 'response' | 'resolution' | string;
  target_seconds: number;
  elapsed_seconds: number;
  paused_seconds: number;
  due_at: string | null;
  met_at: string | null;
  breached: boolean;
  breached_at: string | null;
  at_risk: boolean;
  state: string;
  segments: SlaSegment[];
}

export interface SlaAnswer {
  agreement: {
    id: number;
    number: string;
    name: string;
    kind: string;
    calendar?: { id: number | null; name: string; timezone: string };
    at_risk_percent?: number;
  } | null;
  priority: string | null;
  evaluated_at?: string;
  targets: SlaTarget[];
  problem?: string; // why there is no clock
}

export function useSla(plural: string, id: number, version: number) {
  return useQuery({
    queryKey: ['sla', plural, id, version],
    queryFn: async () => ({ at: Date.now(), sla: await api<SlaAnswer>(`/api/v1/${plural}/${id}/sla`) }),
    refetchInterval: 60_000,
  });
}

function useNow(periodMs: number) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), periodMs);
    return () => window.clearInterval(t);
  }, [periodMs]);
  return now;
}

export function SlaPanel({ plural, id, version }: { plural: string; id: number; version: number }) {
  const sla = useSla(plural, id, version);
  const now = useNow(1000);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="sla-heading">
      <Title order={2} size="h4" id="sla-heading" mb="xs">
        Service level
      </Title>
      {sla.isPending ? (
        <Skeleton h={120} />
      ) : sla.isError ? (
        sla.error instanceof ApiError && sla.error.status === 404 ? (
          <Text size="sm" c="dimmed">
            No service-level clock for this ticket.
          </Text>
        ) : (
          <Alert color="red">{errorMessage(sla.error)}</Alert>
        )
      ) : (
        <SlaBody answer={sla.data.sla} fetchedAt={sla.data.at} now={now} />
      )}
    </Paper>
  );
}

function SlaBody({ answer, fetchedAt, now }: { answer: SlaAnswer; fetchedAt: number; now: number }) {
  if (!answer.agreement)
    return (
      <Text size="sm" c="dimmed">
        {answer.problem ? sentence(answer.problem) : `No agreement covers this ticket${answer.priority ? ` (priority ${answer.priority})` : ''}, so no clock runs.`}
      </Text>
    );
  return (
    <Stack gap="md">
      <Text size="sm">
        {answer.agreement.name}{' '}
        <Text span c="dimmed" size="xs">
          ({answer.agreement.kind.toUpperCase()} {answer.agreement.number}
          {answer.priority ? `, ${answer.priority}` : ''})
        </Text>
      </Text>
      {answer.agreement.calendar ? (
        <Text size="xs" c="dimmed" mt={-8}>
          Business hours: {answer.agreement.calendar.name} ({answer.agreement.calendar.timezone})
        </Text>
      ) : null}
      {answer.targets.length === 0 ? (
        <Text size="sm" c="dimmed">
          {answer.problem ? sentence(answer.problem) : 'The agreement sets no target for this priority.'}
        </Text>
      ) : (
        answer.targets.map((t) => <TargetClock key={t.kind} target={t} fetchedAt={fetchedAt} now={now} />)
      )}
    </Stack>
  );
}

function TargetClock({ target, fetchedAt, now }: { target: SlaTarget; fetchedAt: number; now: number }) {
  // Ticks locally only while the clock runs inside business hours (the last segment says
  // so; without segments the server has not seen business time pass yet).
  const last = target.segments[target.segments.length - 1];
  const running = target.state === 'running' && !target.met_at && last?.state === 'running';
  const elapsed = target.elapsed_seconds + (running ? Math.max(0, (now - fetchedAt) / 1000) : 0);
  const remaining = target.target_seconds - elapsed;
  const breached = target.breached || remaining < 0;
  const pct = Math.min(100, (elapsed / Math.max(1, target.target_seconds)) * 100);
  const color = breached ? 'red' : target.at_risk ? 'orange' : target.met_at ? 'green' : 'blue';
  const label = `${humanize(target.kind)} target`;
  return (
    <div className="sla-target" data-testid={`sla-${target.kind}`}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Group gap={4}>
          {target.met_at ? (
            <Badge color={target.breached ? 'red' : 'green'} variant="light">
              {target.breached ? 'Met late' : 'Met'}
            </Badge>
          ) : breached ? (
            <Badge color="red">Breached</Badge>
          ) : target.at_risk ? (
            <Badge color="orange">At risk</Badge>
          ) : null}
          {target.met_at ? null : (
            <Badge color="gray" variant="outline">
              {humanize(target.state)}
            </Badge>
          )}
        </Group>
      </Group>
      <Text size="xl" fw={700} c={color} className="sla-remaining" aria-live="off">
        {target.met_at
          ? `Met in ${formatDuration(target.elapsed_seconds, true)}`
          : breached
            ? `${formatDuration(-remaining, true)} over`
            : `${formatDuration(remaining, true)} left`}
      </Text>
      <Progress value={pct} color={color} size="sm" aria-label={`${label}: ${Math.round(pct)}% of ${formatDuration(target.target_seconds, true)} used`} />
      <Text size="xs" c="dimmed" mt={4}>
        Target {formatDuration(target.target_seconds, true)} of business time · elapsed {formatDuration(elapsed, true)}
        {target.paused_seconds ? ` · paused ${formatDuration(target.paused_seconds, true)}` : ''}
        {target.met_at ? ` · met ${formatTimestamp(target.met_at)}` : ''}
        {target.due_at && !target.met_at ? ` · due ${formatTimestamp(target.due_at)}` : ''}
        {target.breached_at ? ` · breached ${formatTimestamp(target.breached_at)}` : ''}
      </Text>
      <SegmentBar segments={target.segments} now={now} />
    </div>
  );
}

const kSegmentLabels: Record<string, string> = {
  running: 'Running',
  paused: 'Paused',
  outside_hours: 'Outside service hours',
};

// The explanation of the elapsed time: each segment's width is its share of wall time.
export function SegmentBar({ segments, now }: { segments: SlaSegment[]; now: number }) {
  if (!segments.length) return null;
  const start = Date.parse(segments[0].from);
  const endOf = (s: SlaSegment) => (s.to ? Date.parse(s.to) : now);
  const end = Math.max(start + 1, ...segments.map(endOf));
  const total = end - start;
  const states = [...new Set(segments.map((s) => s.state))];
  return (
    <div className="segments">
      <div className="segment-bar" role="img" aria-label={segments.map((s) => `${kSegmentLabels[s.state] ?? s.state} from ${formatTimestamp(s.from)}`).join('; ')}>
        {segments.map((s, i) => {
          const w = ((endOf(s) - Date.parse(s.from)) / total) * 100;
          return (
            <Tooltip key={i} label={`${kSegmentLabels[s.state] ?? s.state}: ${formatTimestamp(s.from)} – ${s.to ? formatTimestamp(s.to) : 'now'}`}>
              <span className={`segment segment-${s.state}`} style={{ width: `${Math.max(w, 0.5)}%` }} />
            </Tooltip>
          );
        })}
      </div>
      <Group gap="sm" mt={4}>
        {states.map((s) => (
          <Group key={s} gap={4}>
            <span className={`legend-dot segment-${s}`} aria-hidden="true" />
            <Text size="xs" c="dimmed">
              {kSegmentLabels[s] ?? humanize(s)}
            </Text>
          </Group>
        ))}
      </Group>
    </div>
  );
}

// The server's explanation as a sentence: "the ticket names no service…" → "The ticket names no service….".
function sentence(s: string): string {
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
