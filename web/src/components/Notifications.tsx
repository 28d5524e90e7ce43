// The header's notifications (GET /api/v1/notifications): what happened to the tickets the
// user follows (replies, notes, status changes, assignment, SLA escalations), newest first,
// with the unread count on the button. Opening one marks it read and goes to its ticket.
// Hidden on a server without the route.
import { Badge, Button, Menu, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../api';
import { formatShortTimestamp } from '../fields';
import { typeByName, useMeta } from '../meta';

interface Notice {
  id: number;
  at: string;
  record_type: string;
  plural?: string | null;
  record_id: number;
  kind: string;
  message: string;
  read_at?: string | null;
}

export function NotificationsMenu({ portal }: { portal: boolean }) {
  const meta = useMeta();
  const client = useQueryClient();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api<{ items: Notice[]; unread: number }>('/api/v1/notifications?limit=15'),
    refetchInterval: 60_000,
    retry: false,
  });
  if (list.isError && list.error instanceof ApiError && (list.error.status === 404 || list.error.status === 405)) return null;
  if (!list.data) return null;
  const unread = list.data.unread;
  const refresh = () => void client.invalidateQueries({ queryKey: ['notifications'] });
  async function open(n: Notice) {
    if (!n.read_at) await api(`/api/v1/notifications/${n.id}/read`, { method: 'POST' }).catch(() => undefined);
    refresh();
    const plural = n.plural ?? typeByName(meta.data, n.record_type)?.plural;
    if (plural) navigate(portal ? `/portal/tickets/${plural}/${n.record_id}` : `/r/${plural}/${n.record_id}`);
  }
  return (
    <Menu position="bottom-end" withinPortal width={380}>
      <Menu.Target>
        <Button variant="subtle" size="compact-sm">
          Notifications
          {unread ? (
            <Badge ml={6} size="sm" color="red" variant="filled">
              {unread}
              <span className="visually-hidden"> unread</span>
            </Badge>
          ) : null}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {list.data.items.length === 0 ? <Menu.Label>Nothing yet.</Menu.Label> : null}
        {list.data.items.map((n) => (
          <Menu.Item key={n.id} onClick={() => void open(n)} className={n.read_at ? undefined : 'notice-unread'}>
            <Text size="sm" fw={n.read_at ? 400 : 600} lineClamp={2}>
              {n.message}
            </Text>
            <Text size="xs" c="dimmed">
              {formatShortTimestamp(n.at)}
              {n.read_at ? '' : ' · unread'}
            </Text>
          </Menu.Item>
        ))}
        {unread ? (
          <>
            <Menu.Divider />
            <Menu.Item
              onClick={() => {
                void api('/api/v1/notifications/read-all', { method: 'POST' }).finally(refresh);
              }}
            >
              Mark all as read
            </Menu.Item>
          </>
        ) : null}
      </Menu.Dropdown>
    </Menu>
  );
}
