// The generic list screen for any record type: search, filters from the type's indexed
// choice and reference fields and its workflow states, sortable columns. The filters live in
// the URL, so a filtered list can be bookmarked and the back button works.
import { useDocumentTitle } from '../title';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api, errorMessage } from '../api';
import { useDebouncedValue, useDisclosure, useHotkeys } from '@mantine/hooks';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { canWriteType, useUser } from '../auth';
import { findType, humanize, useMeta, type RecordData, type TypeMeta } from '../meta';
import { RecordTable, type ListParams } from '../components/RecordTable';
import { NotFound } from '../components/NotFound';
import { RefSelect, useMyTeams } from '../refs';
import { queueHref, queueTypes, toSavedQuery } from '../queues';

export function RecordListPage() {
  const { plural } = useParams();
  const meta = useMeta();
  const type = findType(meta.data, plural);
  if (meta.isPending) return null;
  if (!type) return <NotFound what="record type" />;
  return <ListScreen key={type.plural} type={type} />;
}

export function filterFields(type: TypeMeta, portal: boolean) {
  return type.fields.filter(
    (f) => f.indexed && (f.kind === 'choice' || f.kind === 'reference') && !(portal && f.internal) && (f.kind !== 'reference' || f.ref !== 'user' || !portal),
  );
}

function ListScreen({ type }: { type: TypeMeta }) {
  const user = useUser();
  useDocumentTitle(`${type.label}s`);
  const [search, setSearch] = useSearchParams();
  const sort = search.get('sort') ?? '-id';
  const [q, setQ] = useState(search.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q, 250);
  const searchRef = useRef<HTMLInputElement>(null);
  useHotkeys([['/', () => searchRef.current?.focus(), { preventDefault: true }]]);
  const update = (key: string, value: string | null) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };
  useEffect(() => {
    if ((search.get('q') ?? '') !== debouncedQ) update('q', debouncedQ || null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedQ]);

  const params: ListParams = {};
  search.forEach((v, k) => {
    if (k !== 'sort' && k !== 'limit') params[k] = v;
  });
  const limit = Number(search.get('limit'));
  const pageSize = Number.isInteger(limit) && limit >= 1 && limit <= 500 ? limit : 25;
  const searchable = type.fields.some((f) => f.searchable);
  const filters = filterFields(type, false);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={1} size="h2">
          {type.label}s
        </Title>
        <Group gap="xs">
          {queueTypes([type]).length ? <SaveQueueButton type={type} params={params} sort={search.get('sort')} /> : null}
          {canWriteType(user, type.name) ? (
            <Button component={Link} to={`/r/${type.plural}/new`}>
              New {type.label.toLowerCase()}
            </Button>
          ) : null}
        </Group>
      </Group>
      <Group gap="sm" align="flex-end" role="search" aria-label={`Filter ${type.label.toLowerCase()}s`}>
        {searchable ? (
          <TextInput
            ref={searchRef}
            label="Search"
            placeholder="Words to find (press / to focus)"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            w={260}
          />
        ) : null}
        {type.workflow ? (
          <Select
            label="Status"
            data={type.workflow.states.map((s) => ({ value: s, label: humanize(s) }))}
            value={search.get('status')}
            onChange={(v) => update('status', v)}
            clearable
            w={180}
          />
        ) : null}
        {filters.map((f) =>
          f.kind === 'choice' ? (
            <Select
              key={f.name}
              label={f.label}
              data={(f.choices ?? []).map((c) => ({ value: c, label: humanize(c) }))}
              value={search.get(f.name)}
              onChange={(v) => update(f.name, v)}
              clearable
              w={160}
            />
          ) : (
            <div key={f.name} className="filter-ref">
              <RefSelect
                field={f}
                label={f.label}
                value={search.get(f.name) ? Number(search.get(f.name)) : null}
                onChange={(v) => update(f.name, v === null ? null : String(v))}
              />
            </div>
          ),
        )}
      </Group>
      <RecordTable
        type={type}
        params={params}
        sort={sort}
        onSort={(s) => update('sort', s)}
        portal={false}
        hrefFor={(r) => `/r/${type.plural}/${r.id}`}
        caption={`${type.label}s`}
        pageSize={pageSize}
        hotkeys
      />
    </Stack>
  );
}

// Saves the current filters (and sort) as a saved filter on the server: a queue of the
// workspace, for the agent alone or shared with one of their teams.
function SaveQueueButton({ type, params, sort }: { type: TypeMeta; params: Record<string, string | undefined>; sort: string | null }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const teams = useMyTeams();
  const [opened, dialog] = useDisclosure(false);
  const [name, setName] = useState('');
  const [team, setTeam] = useState<string>('me');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const query = toSavedQuery(params, sort ?? undefined);
  const empty = Object.values(params).every((v) => !v);
  const apiError = error instanceof ApiError ? error : null;
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { name: name.trim(), target: type.plural, query };
      if (team !== 'me') body.team = Number(team);
      const saved = await api<RecordData>('/api/v1/saved_filters', { method: 'POST', body });
      await client.invalidateQueries({ queryKey: ['queues', type.plural] });
      dialog.close();
      setName('');
      navigate(queueHref(`saved:${saved.id}`, type.plural));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <Button variant="default" onClick={dialog.open} disabled={empty} title={empty ? 'Filter the list first' : undefined}>
        Save as queue
      </Button>
      <Modal lockScroll={false} closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={opened} onClose={dialog.close} title="Save as queue">
        <form onSubmit={save} noValidate>
          <Stack gap="sm">
            {error ? (
              <Alert color="red" role="alert">
                {errorMessage(error)}
                {apiError?.problem.errors?.filter((fe) => fe.field !== 'name').map((fe) => (
                  <div key={fe.field}>
                    {fe.field}: {fe.message}
                  </div>
                ))}
              </Alert>
            ) : null}
            <TextInput
              label="Queue name"
              required
              autoFocus
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              maxLength={200}
              error={apiError?.fieldError('name')}
            />
            <Select
              label="Visible to"
              data={[{ value: 'me', label: 'Only me' }, ...teams.mine.map((t) => ({ value: String(t.id), label: `Team: ${String(t.name)}` }))]}
              value={team}
              onChange={(v) => setTeam(v ?? 'me')}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              description="A team's members all see a shared queue."
            />
            <Text size="xs" c="dimmed">
              Filters: <code>{query}</code>
            </Text>
            <Group>
              <Button type="submit" disabled={!name.trim()} loading={busy}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
