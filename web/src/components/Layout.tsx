// The frame around every screen: a header with the search box, the notifications and the
// user menu, and a navigation column. Staff see the workspace, the record types from /meta
// and admin; requesters the portal.
import { type ReactNode } from 'react';
import { Anchor, Button, Group, Kbd, Menu, Modal, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { NavLink as RouterNavLink, useNavigate } from 'react-router';
import { isAdmin, isPortalUser, useAuth, useUser } from '../auth';
import { useMeta } from '../meta';
import { useServerFeatures } from '../features';
import { HeaderSearch } from '../pages/SearchPage';
import { NotificationsMenu } from './Notifications';

export function Layout({ children }: { children: ReactNode }) {
  const user = useUser();
  const { logout } = useAuth();
  const portal = isPortalUser(user);
  const [helpOpen, help] = useDisclosure(false);
  const navigate = useNavigate();
  useHotkeys([
    ['shift+?', () => help.open()],
    ['g', () => navigate(portal ? '/portal/tickets' : '/queues')],
  ]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <Group justify="space-between" h="100%" px="md" wrap="nowrap">
          <Anchor component={RouterNavLink} to="/" className="brand" underline="never">
            <span className="brand-mark" aria-hidden="true" />
            Ordo{portal ? <span className="brand-sub">Service portal</span> : null}
          </Anchor>
          <HeaderSearch portal={portal} />
          <Group gap="xs" wrap="nowrap">
            <NotificationsMenu portal={portal} />
            <Button variant="subtle" size="compact-sm" onClick={help.open} aria-label="Keyboard shortcuts">
              <Kbd size="xs">?</Kbd>
            </Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton className="user-button">
                  <Text size="sm" fw={500}>
                    {user.display_name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {user.roles.join(', ')}
                  </Text>
                  <span className="visually-hidden">Account menu</span>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Signed in as {user.username}</Menu.Label>
                <Menu.Item onClick={() => void logout()}>Log out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </header>
      <nav className="shell-nav" aria-label="Main">
        {portal ? <PortalNav /> : <StaffNav admin={isAdmin(user)} />}
      </nav>
      <main id="main" className="shell-main" tabIndex={-1}>
        {children}
      </main>
      <Modal lockScroll={false} closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={helpOpen} onClose={help.close} title="Keyboard shortcuts">
        <ShortcutHelp />
      </Modal>
    </div>
  );
}

function Item({ to, children, end }: { to: string; children: ReactNode; end?: boolean }) {
  return (
    <RouterNavLink to={to} end={end} className={({ isActive }) => `nav-item${isActive ? ' active' : ''}`}>
      {children}
    </RouterNavLink>
  );
}

function StaffNav({ admin }: { admin: boolean }) {
  const meta = useMeta();
  const features = useServerFeatures();
  const adminTypes = new Set(['organisation', 'team', 'calendar', 'agreement']);
  const types = meta.data?.types ?? [];
  return (
    <Stack gap={2}>
      <Text className="nav-heading">Workspace</Text>
      <Item to="/queues">Queues</Item>
      {features.ticketReport ? <Item to="/service-desk">Service desk</Item> : null}
      {features.slaReport ? <Item to="/service-levels">Service levels</Item> : null}
      <Text className="nav-heading">Records</Text>
      {types
        .filter((t) => !adminTypes.has(t.name))
        .map((t) => (
          <Item key={t.plural} to={`/r/${t.plural}`}>
            {t.label}s
          </Item>
        ))}
      <Text className="nav-heading">Administration</Text>
      {types
        .filter((t) => adminTypes.has(t.name))
        .map((t) => (
          <Item key={t.plural} to={`/r/${t.plural}`}>
            {t.label}s
          </Item>
        ))}
      {admin ? <Item to="/admin/users">Users</Item> : null}
    </Stack>
  );
}

function PortalNav() {
  const features = useServerFeatures();
  return (
    <Stack gap={2}>
      <Item to="/portal" end>
        Services
      </Item>
      <Item to="/portal/report">Report an incident</Item>
      <Item to="/portal/tickets">Our tickets</Item>
      {features.knowledge ? <Item to="/portal/knowledge">Knowledge base</Item> : null}
    </Stack>
  );
}

const kShortcuts: [string, string][] = [
  ['?', 'Show this help'],
  ['Ctrl+K', 'Search everything (the box in the header)'],
  ['g', 'Go to the queues (portal: our tickets)'],
  ['/', 'Search the current list'],
  ['j / k', 'Move down / up in a list'],
  ['Enter', 'Open the selected record'],
  ['n / p', 'Next / previous page'],
  ['a', 'Ticket: assign to me'],
  ['e', 'Ticket: edit'],
  ['t', 'Ticket: choose a transition'],
  ['r', 'Ticket: resolve'],
  ['c', 'Ticket: write a public reply'],
  ['i', 'Ticket: write an internal note'],
  ['Ctrl+Enter', 'Send the reply or note being written'],
];

function ShortcutHelp() {
  return (
    <Table>
      <Table.Tbody>
        {kShortcuts.map(([k, what]) => (
          <Table.Tr key={k}>
            <Table.Td>
              <Kbd>{k}</Kbd>
            </Table.Td>
            <Table.Td>{what}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
