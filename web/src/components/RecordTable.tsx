// One page of records at a time, by keyset cursor: the server never counts or skips rows to
// show page 500, so paging stays as fast on a million tickets as on ten. The total is asked
// for on the first page only. Keyboard: j/k move, Enter opens, n/p page.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Group, Skeleton, Table, Text, UnstyledButton } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError, api, errorMessage, qs } from '../api';
import { FieldValue, StatusBadge, formatDuration, formatShortTimestamp } from '../fields';
import { kSortableBuiltins, titleField, useMeta, visibleFields, type FieldMeta, type Page, type RecordData, type TypeMeta } from '../meta';
import { prefetchRefs } from '../refs';

export type ListParams = Record<string, string | undefined>;

interface Props {
  type: TypeMeta;
  params: ListParams; // filters and q
  sort: string;
  onSort?(sort: string): void;
  portal: boolean;
  hrefFor(r: RecordData): string;
  pageSize?: number;
  columns?: string[];
  caption: string;
  // Hotkeys only for the main list of a screen.
  hotkeys?: boolean;
  emptyText?: string;
  // Called instead of showing an error when the caller may not list this type (403/404).
  onUnavailable?(): void;
  // An empty list is one line of emptyText instead of a table (short "referenced by" lists).
  compactEmpty?: boolean;
}

function defaultColumns(t: TypeMeta, portal: boolean): string[] {
  const tf = titleField(t);
  const cols = ['number'];
  if (tf) cols.push(tf.name);
  if (t.workflow) cols.push('status');
  for (const f of visibleFields(t, portal)) {
    if (cols.length >= 6) break;
    if (f === tf) continue;
    if ((f.kind === 'choice' || f.kind === 'reference') && f.indexed) cols.push(f.name);
  }
  cols.push('updated_at');
  return cols;
}

export function RecordTable({ type, params, sort, onSort, portal, hrefFor, pageSize = 25, columns, caption, hotkeys, emptyText, onUnavailable, compactEmpty }: Props) {
  const meta = useMeta();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState(-1);
  const paramsKey = JSON.stringify([params, sort]);
  useEffect(() => {
    setCursors([null]);
    setSelected(-1);
  }, [paramsKey, type.plural]);
  const cursor = cursors[cursors.length - 1];
  const first = cursors.length === 1;
  const list = useQuery({
    queryKey: ['list', type.plural, params, sort, cursor, pageSize],
    queryFn: async ({ signal }) => {
      const page = await api<Page>(
        `/api/v1/${type.plural}${qs({ ...params, sort, limit: pageSize, cursor: cursor ?? undefined, count: first ? true : undefined })}`,
        { signal },
      );
      if (meta.data) await prefetchRefs(client, meta.data, type.fields, page.items).catch(() => undefined);
      return page;
    },
    placeholderData: keepPreviousData,
  });
  // The total from the first page stays valid while paging forward.
  const totalRef = useRef<number | undefined>(undefined);
  if (first && list.data?.total !== undefined) totalRef.current = list.data.total;

  const cols = useMemo(() => {
    const names = columns ?? defaultColumns(type, portal);
    return names.map((n) => ({ name: n, field: type.fields.find((f) => f.name === n) }));
  }, [columns, type, portal]);
  const titleOf = titleField(type);
  const rows = list.data?.items ?? [];
  const next = list.data?.next_cursor ?? null;

  // j/k move the selection and the keyboard focus to the row's link, so Enter opens it the
  // way Enter opens any focused link.
  const tableRef = useRef<HTMLDivElement>(null);
  const select = (i: number) => {
    if (i < 0) return;
    setSelected(i);
    tableRef.current?.querySelectorAll<HTMLAnchorElement>('tbody tr a.record-link')[i]?.focus();
  };
  const goNext = () => next && setCursors((c) => [...c, next]);
  const goPrev = () => cursors.length > 1 && setCursors((c) => c.slice(0, -1));
  useHotkeys(
    hotkeys
      ? [
          ['j', () => select(Math.min(selected + 1, rows.length - 1))],
          ['k', () => select(Math.max(selected - 1, 0))],
          ['n', goNext],
          ['p', goPrev],
        ]
      : [],
  );

  const sortable = (name: string, f?: FieldMeta) => !!onSort && (kSortableBuiltins.includes(name) || !!f?.indexed);
  const sortState = (name: string): 'ascending' | 'descending' | 'none' =>
    sort === name ? 'ascending' : sort === `-${name}` ? 'descending' : 'none';

  const unavailable = list.isError && list.error instanceof ApiError && (list.error.status === 403 || list.error.status === 404);
  useEffect(() => {
    if (unavailable && onUnavailable) onUnavailable();
  }, [unavailable, onUnavailable]);
  if (unavailable && onUnavailable) return null;
  if (list.isError) return <Alert color="red" title="Could not load the list">{errorMessage(list.error)}</Alert>;
  if (compactEmpty && first && list.isSuccess && rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {emptyText ?? 'Nothing matches.'}
      </Text>
    );
  return (
    <div ref={tableRef}>
      <Table.ScrollContainer minWidth={640}>
        <Table highlightOnHover striped="even" verticalSpacing="xs" className="record-table">
          <caption className="visually-hidden">{caption}</caption>
          <Table.Thead>
            <Table.Tr>
              {cols.map(({ name, field }) => {
                const label = field?.label ?? kBuiltinLabels[name] ?? name;
                const state = sortState(name);
                return (
                  <Table.Th key={name} aria-sort={sortable(name, field) ? state : undefined} scope="col">
                    {sortable(name, field) ? (
                      <UnstyledButton
                        className="sort-button"
                        onClick={() => onSort!(state === 'descending' ? name : `-${name}`)}
                      >
                        {label}
                        <span aria-hidden="true">{state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}</span>
                      </UnstyledButton>
                    ) : (
                      label
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.isPending
              ? [0, 1, 2].map((i) => (
                  <Table.Tr key={i}>
                    {cols.map((c) => (
                      <Table.Td key={c.name}>
                        <Skeleton h={14} />
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))
              : rows.map((r, i) => (
                  <Table.Tr
                    key={r.id}
                    className={i === selected ? 'row-selected' : undefined}
                    aria-selected={i === selected || undefined}
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest('a')) return;
                      navigate(hrefFor(r));
                    }}
                  >
                    {cols.map(({ name, field }) => (
                      <Table.Td key={name} className={field && field === titleOf ? 'wrap' : undefined}>
                        <Cell name={name} field={field} record={r} href={hrefFor(r)} link={!portal} />
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!list.isPending && rows.length === 0 ? (
        <Text c="dimmed" p="md" ta="center">
          {emptyText ?? 'Nothing matches.'}
        </Text>
      ) : null}
      <Group justify="space-between" mt="xs">
        <Text size="sm" c="dimmed" aria-live="polite">
          {totalRef.current !== undefined
            ? `${totalRef.current} ${totalRef.current === 1 ? 'record' : 'records'} · page ${cursors.length}`
            : `Page ${cursors.length}`}
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={goPrev} disabled={cursors.length === 1}>
            Previous page
          </Button>
          <Button size="xs" variant="default" onClick={goNext} disabled={!next}>
            Next page
          </Button>
        </Group>
      </Group>
    </div>
  );
}

const kBuiltinLabels: Record<string, string> = {
  number: 'Number',
  status: 'Status',
  created_at: 'Created',
  updated_at: 'Updated',
  sla_due_at: 'SLA due',
  id: 'Id',
};

function Cell({ name, field, record, href, link }: { name: string; field?: FieldMeta; record: RecordData; href: string; link: boolean }) {
  const navigate = useNavigate();
  if (name === 'number')
    return (
      <a
        href={href}
        className="record-link"
        onClick={(e) => {
          e.preventDefault();
          navigate(href);
        }}
      >
        {record.number}
      </a>
    );
  if (name === 'status') return <StatusBadge status={record.status} />;
  if (name === 'created_at' || name === 'updated_at')
    return <time dateTime={String(record[name])}>{formatShortTimestamp(record[name])}</time>;
  if (name === 'sla_due_at') return <DueCell record={record} />;
  if (!field) return <>{String(record[name] ?? '')}</>;
  return <FieldValue field={field} value={record[field.name]} link={link} />;
}

// When the ticket's next SLA target falls due, relative to now: overdue in red, at risk in
// orange. The server keeps sla_due_at and sla_at_risk current.
function DueCell({ record }: { record: RecordData }) {
  const due = typeof record.sla_due_at === 'string' ? Date.parse(record.sla_due_at) : NaN;
  if (Number.isNaN(due)) return <Text span c="dimmed">—</Text>;
  const left = (due - Date.now()) / 1000;
  const breached = left < 0 || record.response_breached === true || record.resolution_breached === true;
  const color = breached ? 'red.9' : record.sla_at_risk ? 'orange.9' : undefined;
  return (
    <Text span size="sm" c={color} fw={color ? 600 : undefined} title={formatShortTimestamp(record.sla_due_at)}>
      {left < 0 ? `${formatDuration(-left)} overdue` : `in ${formatDuration(left)}`}
    </Text>
  );
}
