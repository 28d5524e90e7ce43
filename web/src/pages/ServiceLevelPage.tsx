// Service-level attainment (GET /api/v1/reports/sla): attainment = targets met ÷ targets
// that ended in the period, grouped by service, customer, agreement or priority, for the
// response and the resolution targets; a chart per group, the trend over the last months,
// and every number drills down to the tickets behind it (the generic incident list with the
// same filters). CSV comes from the same endpoint (format=csv).
import { useDocumentTitle } from '../title';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorMessage, qs } from '../api';

const AttainmentChart = lazy(() => import('../components/AttainmentChart'));

export type GroupBy = 'service' | 'customer' | 'agreement' | 'priority';
export type Target = 'response' | 'resolution';

export interface Counts {
  met: number;
  breached: number;
  ended: number;
  attainment: number | null; // 0..1
}

type Key = { id: number; name: string | null } | string | null;

export interface SlaReport {
  from: string;
  to: string;
  group_by: GroupBy[];
  totals: Record<Target | 'all', Counts>;
  groups: { key: Record<string, Key>; response: Counts; resolution: Counts; all: Counts }[];
}

// The incident field each grouping filters on.
const kFilterField: Record<GroupBy, string> = {
  service: 'service',
  customer: 'customer',
  agreement: 'sla_agreement',
  priority: 'priority',
};

function rfc3339(d: Date) {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isoDay(d: Date) {
  return d.toISOString().slice(0, 10);
}

export function pct(c: Counts | undefined): string {
  return c && c.attainment !== null ? `${(c.attainment * 100).toFixed(1)} %` : '—';
}

function keyLabel(k: Key): string {
  if (k === null || k === undefined) return '(none)';
  if (typeof k === 'string') return k;
  return k.name ?? `#${k.id}`;
}

function keyValue(k: Key): string {
  if (k === null || k === undefined) return 'null';
  return typeof k === 'string' ? k : String(k.id);
}

// The incidents behind one number: met or breached targets of one kind in the period.
function drillHref(target: Target, outcome: 'met' | 'breached', from: string, to: string, filter?: [string, string]) {
  const p: Record<string, string> =
    outcome === 'met'
      ? { [`${target}_met_at.gte`]: from, [`${target}_met_at.lt`]: to, [`${target}_breached`]: 'false' }
      : { [`${target}_breached_at.gte`]: from, [`${target}_breached_at.lt`]: to };
  if (filter) p[filter[0]] = filter[1];
  return `/r/incidents${qs(p)}`;
}

function lastMonths(n: number): { label: string; from: string; to: string }[] {
  const now = new Date();
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i + 1, 1));
    out.push({
      label: start.toLocaleString(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' }),
      from: rfc3339(start),
      to: rfc3339(end),
    });
  }
  return out;
}

export function ServiceLevelPage() {
  useDocumentTitle('Service levels');
  const [groupBy, setGroupBy] = useState<GroupBy>('service');
  const today = new Date();
  const [fromDay, setFromDay] = useState(isoDay(new Date(today.getTime() - 30 * 86400_000)));
  const [toDay, setToDay] = useState(isoDay(new Date(today.getTime() + 86400_000)));
  const from = `${fromDay}T00:00:00Z`;
  const to = `${toDay}T00:00:00Z`;
  const params = { from, to, group_by: groupBy };
  const valid = !!fromDay && !!toDay && fromDay < toDay;
  const report = useQuery({
    queryKey: ['sla-report', params],
    queryFn: () => api<SlaReport>(`/api/v1/reports/sla${qs(params)}`),
    enabled: valid,
  });
  const months = useMemo(() => lastMonths(6), []);
  const trend = useQueries({
    queries: months.map((m) => ({
      queryKey: ['sla-report', { from: m.from, to: m.to, group_by: 'priority' }],
      queryFn: () => api<SlaReport>(`/api/v1/reports/sla${qs({ from: m.from, to: m.to, group_by: 'priority' })}`),
      staleTime: 300_000,
    })),
  });
  const groups = report.data?.groups ?? [];
  const field = kFilterField[groupBy];
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Service levels
      </Title>
      <Group align="flex-end" gap="sm">
        <TextInput label="From" type="date" value={fromDay} onChange={(e) => setFromDay(e.currentTarget.value)} />
        <TextInput
          label="To (exclusive)"
          type="date"
          value={toDay}
          onChange={(e) => setToDay(e.currentTarget.value)}
          error={valid ? undefined : 'Must be after From'}
        />
        <div>
          <Text size="sm" fw={500} id="group-by-label" mb={2}>
            Group by
          </Text>
          <SegmentedControl
            aria-labelledby="group-by-label"
            value={groupBy}
            onChange={(v) => setGroupBy(v as GroupBy)}
            data={[
              { value: 'service', label: 'Service' },
              { value: 'customer', label: 'Customer' },
              { value: 'agreement', label: 'Agreement' },
              { value: 'priority', label: 'Priority' },
            ]}
          />
        </div>
        <Button component="a" variant="default" href={`/api/v1/reports/sla${qs({ ...params, format: 'csv' })}`} download>
          Download CSV
        </Button>
      </Group>
      {!valid ? null : report.isPending ? (
        <Skeleton h={300} />
      ) : report.isError ? (
        <Alert color="red" title="Could not load the report">
          {errorMessage(report.error)}
        </Alert>
      ) : (
        <>
          <div className="kpi-row">
            {(['response', 'resolution'] as Target[]).map((t) => {
              const c = report.data.totals[t];
              return (
                <Paper key={t} withBorder p="md" radius="md" className="kpi">
                  <Text size="sm" fw={600}>
                    {t === 'response' ? 'Response' : 'Resolution'} targets
                  </Text>
                  <Text size="xl" fw={700} className="kpi-value">
                    {pct(c)}
                  </Text>
                  <Text size="sm">
                    <Anchor component={Link} to={drillHref(t, 'met', from, to)}>
                      {c.met} met
                    </Anchor>
                    {' · '}
                    <Anchor component={Link} to={drillHref(t, 'breached', from, to)} c={c.breached ? 'red.9' : undefined}>
                      {c.breached} breached
                    </Anchor>
                  </Text>
                </Paper>
              );
            })}
          </div>
          {groups.length === 0 ? (
            <Text c="dimmed">No service-level target ended in this period.</Text>
          ) : (
            <>
              <Paper withBorder p="md" radius="md">
                <Suspense fallback={<Skeleton h={280} />}>
                  <AttainmentChart
                    title={`Attainment by ${groupBy}`}
                    categories={groups.map((g) => keyLabel(g.key[groupBy]))}
                    series={[
                      { name: 'Response', values: groups.map((g) => g.response.attainment) },
                      { name: 'Resolution', values: groups.map((g) => g.resolution.attainment) },
                    ]}
                  />
                </Suspense>
              </Paper>
              <Paper withBorder radius="md">
                <Table striped="even">
                  <caption className="visually-hidden">Attainment by {groupBy}</caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{groupBy.charAt(0).toUpperCase() + groupBy.slice(1)}</Table.Th>
                      <Table.Th scope="col">Response met</Table.Th>
                      <Table.Th scope="col">Response breached</Table.Th>
                      <Table.Th scope="col">Response attainment</Table.Th>
                      <Table.Th scope="col">Resolution met</Table.Th>
                      <Table.Th scope="col">Resolution breached</Table.Th>
                      <Table.Th scope="col">Resolution attainment</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {groups.map((g) => {
                      const k = g.key[groupBy];
                      const filter: [string, string] = [field, keyValue(k)];
                      return (
                        <Table.Tr key={keyValue(k)}>
                          <Table.Td>{keyLabel(k)}</Table.Td>
                          {(['response', 'resolution'] as Target[]).map((t) => (
                            <Cells key={t} counts={g[t]} met={drillHref(t, 'met', from, to, filter)} breached={drillHref(t, 'breached', from, to, filter)} />
                          ))}
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Paper>
            </>
          )}
        </>
      )}
      <Paper withBorder p="md" radius="md">
        {trend.some((q) => q.isPending) ? (
          <Skeleton h={240} />
        ) : trend.some((q) => q.isError) ? (
          <Alert color="red">{errorMessage(trend.find((q) => q.isError)?.error)}</Alert>
        ) : (
          <Suspense fallback={<Skeleton h={240} />}>
            <AttainmentChart
              title="Trend by month"
              kind="line"
              categories={months.map((m) => m.label)}
              series={[
                { name: 'Response', values: trend.map((q) => q.data?.totals.response.attainment ?? null) },
                { name: 'Resolution', values: trend.map((q) => q.data?.totals.resolution.attainment ?? null) },
              ]}
            />
          </Suspense>
        )}
      </Paper>
    </Stack>
  );
}

function Cells({ counts, met, breached }: { counts: Counts; met: string; breached: string }) {
  return (
    <>
      <Table.Td>
        <Anchor component={Link} to={met}>
          {counts.met}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={breached} c={counts.breached ? 'red.9' : undefined}>
          {counts.breached}
        </Anchor>
      </Table.Td>
      <Table.Td>{pct(counts)}</Table.Td>
    </>
  );
}
