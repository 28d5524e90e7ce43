// Search across everything the user may read (GET /api/v1/search?q=): tickets, problems,
// known errors, articles and reference data, grouped by type, with a link to the type's full
// list when there are more matches. The header's search box (Ctrl+K) leads here. In the
// portal the same screen finds the organisation's tickets and the published articles.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Group, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage, qs } from '../api';
import { isPortalUser, useUser } from '../auth';
import { StatusBadge } from '../fields';
import { useMeta } from '../meta';
import { useDocumentTitle } from '../title';
import { portalTicketTypes } from './Portal';

export interface SearchHit {
  id: number;
  number: string;
  title?: string;
  name?: string;
  status?: string;
  priority?: string;
  updated_at?: string;
  // A comment hit names its ticket (plural, id) and itself.
  plural?: string;
  comment_id?: number;
  internal?: boolean;
}

export interface SearchGroup {
  type: string;
  plural: string;
  label: string;
  more: boolean;
  items: SearchHit[];
}

export function useSearch(q: string, limit = 10) {
  return useQuery({
    queryKey: ['search', q, limit],
    queryFn: () => api<{ q: string; total: number; groups: SearchGroup[] }>(`/api/v1/search${qs({ q, limit })}`),
    enabled: q.trim().length > 0,
    staleTime: 15_000,
  });
}

// The header's search box: Enter opens the results; Ctrl/⌘+K focuses it from anywhere.
export function HeaderSearch({ portal }: { portal: boolean }) {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useHotkeys([['mod+K', () => input.current?.focus(), { preventDefault: true }]]);
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!q.trim()) return;
    navigate(`${portal ? '/portal/search' : '/search'}${qs({ q: q.trim() })}`);
    setQ('');
    input.current?.blur();
  }
  return (
    <form role="search" onSubmit={submit} className="header-search">
      <TextInput
        ref={input}
        aria-label={portal ? 'Search tickets and articles' : 'Search everything'}
        placeholder={portal ? 'Search tickets and articles (Ctrl+K)' : 'Search tickets, problems, articles… (Ctrl+K)'}
        size="xs"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        type="search"
      />
    </form>
  );
}

export function SearchPage() {
  const user = useUser();
  const portal = isPortalUser(user);
  const meta = useMeta();
  const [search, setSearch] = useSearchParams();
  const [q, setQ] = useState(search.get('q') ?? '');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  useEffect(() => setQ(search.get('q') ?? ''), [search]);
  useEffect(() => {
    if ((search.get('q') ?? '') !== debounced) setSearch(debounced ? { q: debounced } : {}, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  const term = search.get('q') ?? '';
  useDocumentTitle(term ? `Search: ${term}` : 'Search');
  const results = useSearch(term);
  const portalTypes = new Set(portalTicketTypes(meta.data?.types ?? []).map((t) => t.plural));
  const groups = (results.data?.groups ?? [])
    .map((g) => (portal ? { ...g, items: g.items.filter((h) => portalTypes.has(h.plural ?? g.plural)) } : g))
    .filter((g) => g.items.length > 0);
  const articles = usePortalArticles(term, portal && !!term);
  const hrefFor = (g: SearchGroup, h: SearchHit) => {
    const plural = h.plural ?? g.plural;
    return portal ? `/portal/tickets/${plural}/${h.id}` : `/r/${plural}/${h.id}`;
  };
  const total = groups.reduce((n, g) => n + g.items.length, 0) + (articles.data?.items.length ?? 0);
  return (
    <Stack gap="md" maw={900}>
      <Title order={1} size="h2">
        Search
      </Title>
      <TextInput
        label={portal ? 'Search your tickets and the knowledge base' : 'Search tickets, problems, known errors, articles and reference data'}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        type="search"
        autoFocus={!term}
      />
      {!term ? null : results.isPending ? (
        <Skeleton h={160} />
      ) : results.isError ? (
        <Alert color="red">{errorMessage(results.error)}</Alert>
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {total === 0 ? `Nothing matches “${term}”.` : `${total} ${total === 1 ? 'match' : 'matches'} for “${term}”`}
          </Text>
          {groups.map((g) => (
            <Paper key={g.plural} withBorder p="md" radius="md" component="section" aria-labelledby={`search-${g.plural}`}>
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4" id={`search-${g.plural}`}>
                  {g.type === 'comment' ? 'In replies and notes' : `${g.label}s`}
                </Title>
                {g.more && !portal && g.type !== 'comment' ? (
                  <Anchor component={Link} to={`/r/${g.plural}${qs({ q: term })}`} size="sm">
                    All {g.label.toLowerCase()}s matching
                  </Anchor>
                ) : null}
              </Group>
              <ul className="search-hits">
                {g.items.map((h) => (
                  <li key={h.comment_id ?? h.id}>
                    <Anchor component={Link} to={hrefFor(g, h)} className="record-link">
                      {h.number}
                    </Anchor>{' '}
                    <Text span size="sm">
                      {h.title ?? h.name ?? ''}
                    </Text>{' '}
                    {h.status ? <StatusBadge status={h.status} /> : null}{' '}
                    {h.internal ? (
                      <Badge size="sm" variant="light" color="yellow" radius="sm">
                        Internal note
                      </Badge>
                    ) : null}
                    {h.priority ? (
                      <Badge size="sm" variant="light" color="gray" radius="sm">
                        {h.priority}
                      </Badge>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Paper>
          ))}
          {portal && articles.data?.items.length ? (
            <Paper withBorder p="md" radius="md" component="section" aria-labelledby="search-articles">
              <Title order={2} size="h4" id="search-articles" mb="xs">
                Articles
              </Title>
              <ul className="search-hits">
                {articles.data.items.map((a) => (
                  <li key={a.id}>
                    <Anchor component={Link} to={`/portal/knowledge${qs({ q: term, open: a.id })}`}>
                      {a.title}
                    </Anchor>
                    {a.summary ? (
                      <Text size="xs" c="dimmed">
                        {a.summary}
                      </Text>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Paper>
          ) : null}
        </>
      )}
    </Stack>
  );
}

export interface Article {
  id: number;
  number: string;
  title: string;
  summary?: string | null;
  keywords?: string | null;
  body_html?: string | null;
  services?: number[] | null;
  review_by?: string | null;
  published_at?: string | null;
  revision?: number | null;
  used_to_resolve?: number | null;
}

// The readers' view of the knowledge base (GET /api/v1/knowledge), when the server has it.
export function usePortalArticles(q: string, enabled = true) {
  return useQuery({
    queryKey: ['knowledge', q],
    queryFn: () => api<{ items: Article[]; next_cursor?: string | null }>(`/api/v1/knowledge${qs({ q: q || undefined, limit: 20 })}`),
    enabled,
    retry: false,
    staleTime: 60_000,
  });
}
