// References between records: labels for ids (one batched request per list page, then
// cached per record) and the searchable pickers used by forms and filters.
import { useEffect, useMemo, useState } from 'react';
import { Anchor, MultiSelect, Select, type ComboboxItem } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, qs } from './api';
import { isPortalUser, useAuth, type User } from './auth';
import { refPlural, recordTitle, titleField, typeByName, useMeta, type FieldMeta, type Meta, type Page, type RecordData } from './meta';

export function recordKey(plural: string, id: number) {
  return ['record', plural, id] as const;
}

// Loads the records a page refers to in one request per referenced type and seeds the
// per-record cache, so each cell's label costs nothing more.
export async function prefetchRefs(client: QueryClient, meta: Meta, fields: FieldMeta[], rows: RecordData[]) {
  const wanted = new Map<string, Set<number>>();
  for (const f of fields) {
    if (f.kind !== 'reference') continue;
    const plural = refPlural(meta, f);
    if (!plural) continue;
    for (const r of rows) {
      const v = r[f.name];
      if (typeof v !== 'number') continue;
      if (client.getQueryData(recordKey(plural, v))) continue;
      if (!wanted.has(plural)) wanted.set(plural, new Set());
      wanted.get(plural)!.add(v);
    }
  }
  await Promise.all(
    [...wanted].map(async ([plural, ids]) => {
      const page = await api<Page>(`/api/v1/${plural}${qs({ 'id.in': [...ids].join(','), limit: 500 })}`);
      for (const rec of page.items) client.setQueryData(recordKey(plural, rec.id), rec);
    }),
  );
}

export function useRecord(plural: string | undefined, id: number | undefined) {
  return useQuery({
    queryKey: recordKey(plural ?? '', id ?? 0),
    queryFn: () => api<RecordData>(`/api/v1/${plural}/${id}`),
    enabled: !!plural && !!id,
    staleTime: 60_000,
  });
}

// The user directory (staff only; requesters may not list users). Small: one page of 500.
export function useUserDirectory() {
  const { user } = useAuth();
  return useQuery({
    queryKey: ['users'],
    queryFn: () => api<Page<User & { disabled: boolean }>>('/api/v1/users?limit=500'),
    enabled: !!user && !isPortalUser(user),
    staleTime: 300_000,
  });
}

// The teams the logged-in staff user is a member of (teams are reference data: one page).
export function useMyTeams(enabled = true) {
  const { user } = useAuth();
  const teams = useQuery({
    queryKey: ['my-teams', user?.id],
    queryFn: () => api<Page>('/api/v1/teams?limit=500'),
    enabled: enabled && !!user && !isPortalUser(user),
    staleTime: 300_000,
  });
  const mine = useMemo(
    () => (teams.data?.items ?? []).filter((t) => Array.isArray(t.members) && user && t.members.includes(user.id)),
    [teams.data, user],
  );
  return { ...teams, mine };
}

export function useUserName(id: number | null | undefined): string {
  const { user } = useAuth();
  const dir = useUserDirectory();
  if (id === null || id === undefined) return '';
  if (id === 0) return 'system';
  if (user && id === user.id) return user.display_name;
  const u = dir.data?.items.find((x) => x.id === id);
  return u ? u.display_name || u.username : `User #${id}`;
}

export function UserName({ id }: { id: number | null | undefined }) {
  return <>{useUserName(id)}</>;
}

export function RefValue({ field, id, link = true }: { field: FieldMeta; id: number; link?: boolean }) {
  const meta = useMeta();
  const plural = refPlural(meta.data, field);
  const rec = useRecord(plural, plural ? id : undefined);
  if (!plural) return <UserName id={id} />;
  const t = typeByName(meta.data, field.ref);
  const label = rec.data ? recordTitle(t, rec.data) : rec.isError ? `${t?.label ?? field.label} #${id}` : '…';
  if (!link) return <>{label}</>;
  return (
    <Anchor component={Link} to={`/r/${plural}/${id}`} size="sm">
      {label}
    </Anchor>
  );
}

// A record named by its type and id (e.g. a saved filter's team), linked to its detail.
export function RecordName({ type, id, link = true }: { type: string; id: number; link?: boolean }) {
  const meta = useMeta();
  const t = typeByName(meta.data, type);
  const rec = useRecord(t?.plural, t ? id : undefined);
  const label = rec.data ? recordTitle(t, rec.data) : rec.isError ? `${t?.label ?? type} #${id}` : '…';
  if (!link || !t) return <>{label}</>;
  return (
    <Anchor component={Link} to={`/r/${t.plural}/${id}`} size="sm">
      {label}
    </Anchor>
  );
}

interface RefSelectProps {
  field: FieldMeta;
  label: string;
  value: number | null;
  onChange(v: number | null): void;
  error?: string;
  required?: boolean;
  description?: string;
  // Restrict user choices (e.g. a team's members).
  userFilter?: (u: User) => boolean;
}

// A searchable picker for one referenced record; searches the server as you type.
export function RefSelect({ field, label, value, onChange, error, required, description, userFilter }: RefSelectProps) {
  const meta = useMeta();
  const plural = refPlural(meta.data, field);
  const t = typeByName(meta.data, field.ref);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 200);
  const tf = t ? titleField(t) : undefined;
  const options = useQuery({
    queryKey: ['ref-options', plural, debounced],
    queryFn: () =>
      api<Page>(`/api/v1/${plural}${qs({ limit: 50, ...(debounced && tf ? { [`${tf.name}.like`]: debounced } : {}) })}`),
    enabled: !!plural,
    staleTime: 30_000,
  });
  const current = useRecord(plural, value ?? undefined);
  const users = useUserDirectory();
  const data: ComboboxItem[] = useMemo(() => {
    if (!plural) {
      return (users.data?.items ?? [])
        .filter((u) => !u.disabled && (!userFilter || userFilter(u) || u.id === value))
        .map((u) => ({ value: String(u.id), label: `${u.display_name} (${u.username})` }));
    }
    const items = new Map<number, RecordData>();
    if (current.data) items.set(current.data.id, current.data);
    for (const r of options.data?.items ?? []) items.set(r.id, r);
    return [...items.values()].map((r) => ({ value: String(r.id), label: `${recordTitle(t, r)} (${r.number})` }));
  }, [plural, users.data, options.data, current.data, t, userFilter, value]);
  return (
    <Select
      label={label}
      description={description}
      data={data}
      value={value === null ? null : String(value)}
      onChange={(v) => onChange(v ? Number(v) : null)}
      searchable
      clearable={!required}
      required={required}
      error={error}
      onSearchChange={setSearch}
      nothingFoundMessage={options.isFetching ? 'Searching…' : 'Nothing found'}
      filter={plural ? ({ options: o }) => o : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

// Several users or records (e.g. a team's members).
export function RefMultiSelect({
  field,
  label,
  value,
  onChange,
  error,
}: {
  field: FieldMeta;
  label: string;
  value: number[];
  onChange(v: number[]): void;
  error?: string;
}) {
  const meta = useMeta();
  const plural = refPlural(meta.data, field);
  const users = useUserDirectory();
  const records = useQuery({
    queryKey: ['ref-options', plural, ''],
    queryFn: () => api<Page>(`/api/v1/${plural}?limit=200`),
    enabled: !!plural,
  });
  const t = typeByName(meta.data, field.ref);
  const data = plural
    ? (records.data?.items ?? []).map((r) => ({ value: String(r.id), label: recordTitle(t, r) }))
    : (users.data?.items ?? []).map((u) => ({ value: String(u.id), label: `${u.display_name} (${u.username})` }));
  const [local, setLocal] = useState(value.map(String));
  useEffect(() => setLocal(value.map(String)), [value]);
  return (
    <MultiSelect
      label={label}
      data={data}
      value={local}
      onChange={(v) => {
        setLocal(v);
        onChange(v.map(Number));
      }}
      searchable
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
