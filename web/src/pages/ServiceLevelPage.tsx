// Service-level attainment (GET /api/v1/reports/sla): attainment = targets met ÷ targets
// that ended in the period, grouped by service, customer, agreement or priority, for the
// response and the resolution targets; a chart per group, the trend over the last months,
// and every number drills down to the tickets behind it (the generic incident list with the
// same filters): the table's numbers, the chart's bars and the trend's points alike. The
// period and the grouping live in the address, so Back from a drill-down returns to the
// same view. CSV comes from the same endpoint (format=csv).
import { useDocumentTitle } from '../title';
import { lazy, Suspense, useMemo } from 'react';
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage, qs } from '../api';

const AttainmentChart = lazy(() => import('../components/AttainmentChart'));
const kGroups: GroupBy[] = ['service', 'customer', 'agreement', 'priority'];

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
export function drillHref(target: Target, outcome: 'met' | 'breached', from: string, to: string, filter?: [string, string]) {
  const p: Record<string, string> =
    outcome === 'met'
      ? { [`${target}_met_at.gte`]: from, [`${target}_met_at.lt`]: to, [`${target}_breached`]: 'false' }
      : { [`${target}_breached_at.gte`]: from, [`${target}_breached_at.lt`]: to };
  if (filter) p[filter[0]] = filter[1];
  return `/r/incidents${qs(p)}`;
}

// What a bar or a point opens: the breached targets behind an attainment below 100 %
// (what a manager asks about), the met ones when nothing was breached.
function barOutcome(c: Counts): 'met' | 'breached' {
  return c.breached > 0 ? 'breached' : 'met';
}

function lastMonths(n: number): { label: string; long: string; from: string; to: string }[] {
  const now = new Date();
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i + 1, 1));
    out.push({
      label: start.toLocaleString(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' }),
      long: start.toLocaleString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
      from: rfc3339(start),
      to: rfc3339(end),
    });
  }
  return out;
}

export function ServiceLevelPage() {
  useDocumentTitle('Service levels');
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const today = new Date();
  const groupParam = search.get('group_by') as GroupBy | null;
  const groupBy: GroupBy = groupParam && kGroups.includes(groupParam) ? groupParam : 'service';
  const fromDay = search.get('from') ?? isoDay(new Date(today.getTime() - 30 * 86400_000));
  const toDay = search.get('to') ?? isoDay(new Date(today.getTime() + 86400_000));
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    next.set(key, value);
    setSearch(next, { replace: true });
  };
  const from = `${fromDay}T00:00:00Z`;
  const to = `${toDay}T00:00:00Z`;
  // The UI never shows the report's list of breaches: not asked for.
  const params = { from, to, group_by: groupBy, breaches: 'false' };
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(fromDay) && /^\d{4}-\d{2}-\d{2}$/.test(toDay) && fromDay < toDay;
  const report = useQuery({
    queryKey: ['sla-report', params],
    queryFn: () => api<SlaReport>(`/api/v1/reports/sla${qs(params)}`),
    enabled: valid,
  });
  const months = useMemo(() => lastMonths(6), []);
  const trend = useQueries({
    queries: months.map((m) => ({
      queryKey: ['sla-report', { from: m.from, to: m.to, breaches: 'false' }],
      queryFn: () => api<SlaReport>(`/api/v1/reports/sla${qs({ from: m.from, to: m.to, breaches: 'false' })}`),
      staleTime: 300_000,
    })),
  });
  const groups = report.data?.groups ?? [];
  const field = kFilterField[groupBy];
  const groupLabel = groupBy.charAt(0).toUpperCase() + groupBy.slice(1);
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Service levels
      </Title>
      <Group align="flex-end" gap="sm">
        <TextInput label="From" type="date" value={fromDay} onChange={(e) => update('from', e.currentTarget.value)} />
        <TextInput
          label="To (exclusive)"
          type="date"
          value={toDay}
          onChange={(e) => update('to', e.currentTarget.value)}
          error={valid ? undefined : 'Must be after From'}
        />
        <div>
          <Text size="sm" fw={500} id="group-by-label" mb={2}>
            Group by
          </Text>
          <SegmentedControl
            aria-labelledby="group-by-label"
            value={groupBy}
            onChange={(v) => update('group_by', v)}
            data={[
              { value: 'service', label: 'Service' },
              { value: 'customer', label: 'Customer' },
              { value: 'agreement', label: 'Agreement' },
              { value: 'priority', label: 'Priority' },
            ]}
          />
        </div>
        <Button component="a" variant="default" href={`/api/v1/reports/sla${qs({ from, to, group_by: groupBy, format: 'csv' })}`} download>
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
              <Paper withBorder p="md" radius="md" component="section" aria-labelledby="by-group-title">
                <Title order={2} size="h4" id="by-group-title" mb="xs">
                  Attainment by {groupBy}
                </Title>
                <Suspense fallback={<Skeleton h={280} />}>
                  <AttainmentChart
                    title={`Attainment by ${groupBy}`}
                    categories={groups.map((g) => keyLabel(g.key[groupBy]))}
                    series={(['response', 'resolution'] as Target[]).map((t) => ({
                      name: t === 'response' ? 'Response' : 'Resolution',
                      values: groups.map((g) => g[t].attainment),
                      counts: groups.map((g) => g[t]),
                    }))}
                    onSelect={(i, s) => {
                      const t: Target = s === 0 ? 'response' : 'resolution';
                      const g = groups[i];
                      navigate(drillHref(t, barOutcome(g[t]), from, to, [field, keyValue(g.key[groupBy])]));
                    }}
                  />
                </Suspense>
              </Paper>
              <Paper withBorder radius="md">
                <Table striped="even">
                  <caption className="visually-hidden">Attainment by {groupBy}</caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{groupLabel}</Table.Th>
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
                            <Cells key={t} counts={g[t]} met={drillHref(t, 'met', from, to, filter)} breached={drillHref(t, 'breached', from, to, filter)} label={`${t} for ${keyLabel(k)}`} />
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
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="trend-title">
        <Title order={2} size="h4" id="trend-title" mb="xs">
          Trend by month
        </Title>
        {trend.some((q) => q.isPending) ? (
          <Skeleton h={240} />
        ) : trend.some((q) => q.isError) ? (
          <Alert color="red">{errorMessage(trend.find((q) => q.isError)?.error)}</Alert>
        ) : (
          <>
            <Suspense fallback={<Skeleton h={240} />}>
              <AttainmentChart
                title="Attainment by month"
                kind="line"
                categories={months.map((m) => m.label)}
                series={(['response', 'resolution'] as Target[]).map((t) => ({
                  name: t === 'response' ? 'Response' : 'Resolution',
                  values: trend.map((q) => q.data?.totals[t].attainment ?? null),
                  counts: trend.map((q) => q.data?.totals[t]),
                }))}
                onSelect={(i, s) => {
                  const t: Target = s === 0 ? 'response' : 'resolution';
                  const c = trend[i].data?.totals[t];
                  if (c) navigate(drillHref(t, barOutcome(c), months[i].from, months[i].to));
                }}
              />
            </Suspense>
            <Table striped="even" mt="sm">
              <caption className="visually-hidden">Attainment by month</caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Month</Table.Th>
                  <Table.Th scope="col">Response met</Table.Th>
                  <Table.Th scope="col">Response breached</Table.Th>
                  <Table.Th scope="col">Response attainment</Table.Th>
                  <Table.Th scope="col">Resolution met</Table.Th>
                  <Table.Th scope="col">Resolution breached</Table.Th>
                  <Table.Th scope="col">Resolution attainment</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {months.map((m, i) => {
                  const totals = trend[i].data?.totals;
                  return (
                    <Table.Tr key={m.from}>
                      <Table.Th scope="row" fw={400}>
                        {m.label}
                      </Table.Th>
                      {(['response', 'resolution'] as Target[]).map((t) =>
                        totals ? (
                          <Cells key={t} counts={totals[t]} met={drillHref(t, 'met', m.from, m.to)} breached={drillHref(t, 'breached', m.from, m.to)} label={`${t} in ${m.long}`} />
                        ) : null,
                      )}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Paper>
    </Stack>
  );
}

// One target's figures in a row; each count links to its incidents. The links' names say
// what they count (the column header alone is not read with a link).
function Cells({ counts, met, breached, label }: { counts: Counts; met: string; breached: string; label: string }) {
  return (
    <>
      <Table.Td>
        <Anchor component={Link} to={met} aria-label={`${counts.met} met, ${label}`}>
          {counts.met}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={breached} c={counts.breached ? 'red.9' : undefined} aria-label={`${counts.breached} breached, ${label}`}>
          {counts.breached}
        </Anchor>
      </Table.Td>
      <Table.Td>{pct(counts)}</Table.Td>
    </>
  );
}
