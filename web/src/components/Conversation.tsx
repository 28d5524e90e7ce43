// A ticket's conversation (GET/POST /api/v1/{plural}/{id}/comments, attachments, watchers):
// one timeline that interleaves the record's history with the public replies and the
// internal notes (notes on a yellow ground, marked "Internal note"), a reply box with a
// public/internal switch, the attached files and the watchers. The server decides what a
// requester sees (never an internal note nor its files); the portal shows what it gets and
// offers no internal switch. On a server without the conversation routes (404) the screen
// falls back to the history alone.
import { forwardRef, useImperativeHandle, useRef, useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Button, FileButton, FileInput, Group, Paper, Skeleton, Stack, Switch, Text, Textarea, Timeline, Title } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, apiUpload, errorMessage, qs } from '../api';
import { useUser } from '../auth';
import { draftKey, loadDraft, saveDraft } from '../drafts';
import { formatTimestamp } from '../fields';
import { type TypeMeta } from '../meta';
import { notify } from '../notify';
import { HistoryItem, isEmptyUpdate, useHistory, type HistoryEvent } from './History';

export interface Comment {
  id: number;
  body: string;
  internal: boolean;
  author?: string;
  author_id?: number;
  created_at: string;
}

export interface Attachment {
  id: number;
  filename: string;
  size: number;
  content_type?: string;
  comment?: number | null;
  internal?: boolean;
  author?: string;
  created_at?: string;
}

interface Watcher {
  user: number;
  username?: string;
  display_name?: string;
  since?: string;
}

// History events that the comments themselves show (with their text) in the timeline.
const kCommentEvents = new Set(['reply', 'customer_reply', 'note', 'comment']);

const notFound = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.status === 405);

export function useComments(plural: string, id: number) {
  return useQuery({
    queryKey: ['comments', plural, id],
    queryFn: () => api<{ items: Comment[] }>(`/api/v1/${plural}/${id}/comments`),
    retry: false,
    refetchInterval: 30_000,
  });
}

function useAttachments(plural: string, id: number, enabled: boolean) {
  return useQuery({
    queryKey: ['attachments', plural, id],
    queryFn: () => api<{ items: Attachment[] }>(`/api/v1/${plural}/${id}/attachments`),
    enabled,
    retry: false,
  });
}

// Everything that a new comment or file may have changed on screen.
function useRefreshTicket(plural: string, id: number) {
  const client = useQueryClient();
  return () => {
    for (const key of ['comments', 'attachments', 'history', 'record', 'sla', 'watchers'])
      void client.invalidateQueries({ queryKey: [key, plural, id] });
    void client.invalidateQueries({ queryKey: ['queues'] });
    void client.invalidateQueries({ queryKey: ['list', plural] });
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function AttachmentLink({ a }: { a: Attachment }) {
  return (
    <Anchor href={`/api/v1/attachments/${a.id}/content`} download={a.filename} size="sm">
      {a.filename}
    </Anchor>
  );
}

export interface ActivityHandle {
  // Focuses the reply box, as a public reply or an internal note.
  compose(internal: boolean): void;
}

interface ActivityProps {
  type: TypeMeta;
  id: number;
  portal: boolean;
  // Staff who may change the ticket may add internal notes; requesters reply on their tickets.
  canReply: boolean;
}

// The timeline (history + conversation) and the reply box. Without conversation routes on
// the server: the history alone.
export const Activity = forwardRef<ActivityHandle, ActivityProps>(function Activity({ type, id, portal, canReply }, ref) {
  const comments = useComments(type.plural, id);
  const available = comments.isSuccess || (comments.isError && !notFound(comments.error));
  const attachments = useAttachments(type.plural, id, available);
  const history = useHistory(type.plural, id);
  const box = useRef<ReplyBoxHandle>(null);
  useImperativeHandle(ref, () => ({ compose: (internal) => box.current?.focus(internal) }));
  if (history.isPending || comments.isPending) return <Skeleton h={120} />;
  if (history.isError) return <Alert color="red">{errorMessage(history.error)}</Alert>;
  if (comments.isError && available) return <Alert color="red">{errorMessage(comments.error)}</Alert>;
  const list = comments.data?.items ?? [];
  const files = attachments.data?.items ?? [];
  const filesOf = new Map<number, Attachment[]>();
  for (const a of files) if (a.comment) filesOf.set(a.comment, [...(filesOf.get(a.comment) ?? []), a]);
  type Entry = { at: number; order: number; event?: HistoryEvent; comment?: Comment };
  const entries: Entry[] = [
    ...history.data.items.filter((e) => !(available && kCommentEvents.has(e.action)) && !isEmptyUpdate(e)).map((e) => ({ at: Date.parse(e.at), order: 0, event: e })),
    ...list.map((c) => ({ at: Date.parse(c.created_at), order: 1, comment: c })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  const fileById = new Map(files.map((a) => [a.id, a]));
  return (
    <Stack gap="md">
      <Timeline bulletSize={14} lineWidth={2} active={entries.length - 1}>
        {entries.map((e) =>
          e.comment ? (
            <Timeline.Item
              key={`c${e.comment.id}`}
              className={e.comment.internal ? 'timeline-note' : 'timeline-reply'}
              color={e.comment.internal ? 'yellow' : 'blue'}
              title={<CommentTitle c={e.comment} />}
            >
              <Paper className={e.comment.internal ? 'comment comment-internal' : 'comment'} p="sm" radius="sm" withBorder component="article" aria-label={e.comment.internal ? 'Internal note' : 'Reply'}>
                <Text size="sm" className="prewrap">
                  {e.comment.body}
                </Text>
                {filesOf.get(e.comment.id)?.length ? (
                  <Group gap="xs" mt={6}>
                    <Text size="xs" c="dimmed">
                      Attached:
                    </Text>
                    {filesOf.get(e.comment.id)!.map((a) => (
                      <AttachmentLink key={a.id} a={a} />
                    ))}
                  </Group>
                ) : null}
              </Paper>
            </Timeline.Item>
          ) : (
            <HistoryItem key={`e${e.event!.seq}`} type={type} ev={e.event!} file={attachmentOfEvent(e.event!, fileById)} />
          ),
        )}
      </Timeline>
      {available && canReply ? <ReplyBox key={`${type.plural}/${id}`} ref={box} type={type} id={id} portal={portal} /> : null}
    </Stack>
  );
});

function attachmentOfEvent(ev: HistoryEvent, files: Map<number, Attachment>): Attachment | undefined {
  if (ev.action !== 'attachment') return undefined;
  const d = ev.data as Record<string, unknown>;
  const id = typeof d.attachment_id === 'number' ? d.attachment_id : undefined;
  return id !== undefined ? files.get(id) : undefined;
}

function CommentTitle({ c }: { c: Comment }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Text span size="sm" fw={600}>
        {c.author ?? 'Someone'}
      </Text>
      {c.internal ? (
        <Badge color="yellow" variant="light" radius="sm" size="sm">
          Internal note
        </Badge>
      ) : (
        <Text span size="sm" c="dimmed">
          replied
        </Text>
      )}
      <Text span size="xs" c="dimmed">
        · <time dateTime={c.created_at}>{formatTimestamp(c.created_at)}</time>
      </Text>
    </Group>
  );
}

interface ReplyBoxHandle {
  focus(internal: boolean): void;
}

const ReplyBox = forwardRef<ReplyBoxHandle, { type: TypeMeta; id: number; portal: boolean }>(function ReplyBox({ type, id, portal }, ref) {
  const me = useUser();
  // A draft left by an ended session comes back (see drafts.ts).
  const key = draftKey(me.id, type.plural, id);
  const [body, setBodyState] = useState(() => loadDraft(key)?.body ?? '');
  const [internal, setInternalState] = useState(() => !portal && !!loadDraft(key)?.internal);
  const setBody = (b: string) => {
    setBodyState(b);
    saveDraft(key, { body: b, internal });
  };
  const setInternal = (v: boolean) => {
    setInternalState(v);
    saveDraft(key, { body, internal: v });
  };
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const refresh = useRefreshTicket(type.plural, id);
  useImperativeHandle(ref, () => ({
    focus(note: boolean) {
      if (!portal) setInternal(note);
      area.current?.focus();
    },
  }));

  async function send(e?: FormEvent) {
    e?.preventDefault();
    if (!body.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const c = await api<Comment>(`/api/v1/${type.plural}/${id}/comments`, { method: 'POST', body: { body: body.trim(), internal: !portal && internal } });
      // Files go with the comment, as public or as internal as it is.
      for (const f of files) await apiUpload(`/api/v1/${type.plural}/${id}/attachments${qs({ filename: f.name, comment: c.id })}`, f);
      setBody('');
      setFiles([]);
      notify({ color: 'green', message: c.internal ? 'Internal note added' : 'Reply sent' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      refresh();
    }
  }

  const label = portal ? 'Your reply' : internal ? 'Internal note' : 'Public reply';
  const apiError = error instanceof ApiError ? error : null;
  return (
    <Paper withBorder p="sm" radius="md" className={internal && !portal ? 'reply-box reply-box-internal' : 'reply-box'}>
      <form onSubmit={send} aria-label={portal ? 'Reply' : 'Reply or add an internal note'} noValidate>
        <Stack gap="xs">
          {error ? (
            <Alert color="red" role="alert">
              {errorMessage(error)}
            </Alert>
          ) : null}
          <Textarea
            ref={area}
            label={label}
            description={
              portal
                ? 'The service desk sees your reply at once. Ctrl+Enter sends.'
                : internal
                  ? 'Only staff see internal notes; the customer never does. Ctrl+Enter adds it.'
                  : 'The customer sees this reply. Ctrl+Enter sends.'
            }
            autosize
            minRows={3}
            maxRows={12}
            value={body}
            error={apiError?.fieldError('body')}
            onChange={(e) => setBody(e.currentTarget.value)}
            onKeyDown={getHotkeyHandler([['mod+Enter', () => void send()]])}
          />
          <Group justify="space-between" align="flex-end">
            <Group gap="md" align="flex-end">
              {!portal ? (
                <Switch
                  label="Internal note"
                  checked={internal}
                  onChange={(e) => setInternal(e.currentTarget.checked)}
                  color="yellow"
                />
              ) : null}
              <FileInput
                label="Attach files"
                multiple
                clearable
                size="xs"
                w={220}
                value={files}
                onChange={setFiles}
                clearButtonProps={{ 'aria-label': 'Remove the chosen files' }}
              />
            </Group>
            <Button type="submit" loading={busy} disabled={!body.trim()} color={internal && !portal ? 'yellow.9' : undefined}>
              {portal ? 'Send reply' : internal ? 'Add internal note' : 'Send reply'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
});

// The ticket's files (on the ticket or on a comment), and an upload straight to the ticket.
export function AttachmentsPanel({ type, id, canUpload }: { type: TypeMeta; id: number; canUpload: boolean }) {
  const attachments = useAttachments(type.plural, id, true);
  const refresh = useRefreshTicket(type.plural, id);
  const [busy, setBusy] = useState(false);
  if (attachments.isError && notFound(attachments.error)) return null;
  const items = attachments.data?.items ?? [];
  async function upload(file: File | null) {
    if (!file) return;
    setBusy(true);
    try {
      await apiUpload(`/api/v1/${type.plural}/${id}/attachments${qs({ filename: file.name })}`, file);
      notify({ color: 'green', message: `${file.name} is attached` });
    } catch (e) {
      notify({ color: 'red', title: 'Could not attach the file', message: errorMessage(e) });
    } finally {
      setBusy(false);
      refresh();
    }
  }
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="attachments-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="attachments-title">
          Attachments
        </Title>
        {canUpload ? (
          <FileButton onChange={(f) => void upload(f)}>
            {(props) => (
              <Button {...props} size="xs" variant="light" loading={busy}>
                Upload a file
              </Button>
            )}
          </FileButton>
        ) : null}
      </Group>
      {attachments.isPending ? (
        <Skeleton h={30} />
      ) : attachments.isError ? (
        <Alert color="red">{errorMessage(attachments.error)}</Alert>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No files.
        </Text>
      ) : (
        <ul className="attachment-list">
          {items.map((a) => (
            <li key={a.id}>
              <AttachmentLink a={a} />{' '}
              <Text span size="xs" c="dimmed">
                {formatBytes(a.size)}
                {a.author ? ` · ${a.author}` : ''}
              </Text>
              {a.internal ? (
                <Badge ml={6} color="yellow" variant="light" size="xs" radius="sm">
                  Internal
                </Badge>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Paper>
  );
}

// Who follows the ticket (told of replies and changes); watch or stop watching it yourself.
export function WatchersPanel({ type, id }: { type: TypeMeta; id: number }) {
  const user = useUser();
  const client = useQueryClient();
  const watchers = useQuery({
    queryKey: ['watchers', type.plural, id],
    queryFn: () => api<{ items: Watcher[] }>(`/api/v1/${type.plural}/${id}/watchers`),
    retry: false,
  });
  const [busy, setBusy] = useState(false);
  if (watchers.isError && notFound(watchers.error)) return null;
  const items = watchers.data?.items ?? [];
  const watching = items.some((w) => w.user === user.id);
  async function toggle() {
    setBusy(true);
    try {
      if (watching) await api(`/api/v1/${type.plural}/${id}/watchers/${user.id}`, { method: 'DELETE' });
      else await api(`/api/v1/${type.plural}/${id}/watchers`, { method: 'POST', body: { user: user.id } });
      notify({ color: 'green', message: watching ? 'You no longer watch this ticket' : 'You watch this ticket: replies and changes reach your notifications' });
    } catch (e) {
      notify({ color: 'red', title: 'Could not change the watchers', message: errorMessage(e) });
    } finally {
      setBusy(false);
      void client.invalidateQueries({ queryKey: ['watchers', type.plural, id] });
    }
  }
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="watchers-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="watchers-title">
          Watchers
        </Title>
        <Button size="xs" variant={watching ? 'default' : 'light'} onClick={() => void toggle()} loading={busy} disabled={watchers.isPending}>
          {watching ? 'Stop watching' : 'Watch'}
        </Button>
      </Group>
      {watchers.isPending ? (
        <Skeleton h={20} />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody watches this ticket.
        </Text>
      ) : (
        <Text size="sm">{items.map((w) => (w.user === user.id ? 'You' : w.display_name || w.username || `User #${w.user}`)).join(', ')}</Text>
      )}
    </Paper>
  );
}
