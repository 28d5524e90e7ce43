import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { isPortalUser, useAuth } from './auth';
import { Layout } from './components/Layout';
import { LoginPage } from './pages/LoginPage';
import { QueuesPage } from './pages/QueuesPage';
import { RecordListPage } from './pages/RecordListPage';
import { RecordDetailPage } from './pages/RecordDetailPage';
import { RecordCreatePage } from './pages/RecordCreatePage';
import { PortalHome, PortalReport, PortalTickets, PortalTicket } from './pages/Portal';
import { UsersPage } from './pages/UsersPage';
import { ServiceLevelPage } from './pages/ServiceLevelPage';
import { NotFound } from './components/NotFound';
import { ErrorBoundary } from './components/ErrorBoundary';

export function App() {
  const { user, booting } = useAuth();
  const location = useLocation();
  if (booting)
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (!user) {
    if (location.pathname === '/login') return <LoginPage />;
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  const portal = isPortalUser(user);
  return (
    <Layout>
      <ErrorBoundary resetKey={location.pathname}>
      <Routes>
        <Route path="/login" element={<AfterLogin portal={portal} />} />
        <Route path="/" element={<Navigate to={portal ? '/portal' : '/queues'} replace />} />
        {portal ? (
          <>
            <Route path="/portal" element={<PortalHome />} />
            <Route path="/portal/report" element={<PortalReport />} />
            <Route path="/portal/tickets" element={<PortalTickets />} />
            <Route path="/portal/tickets/:plural/:id" element={<PortalTicket />} />
          </>
        ) : (
          <>
            <Route path="/queues" element={<QueuesPage />} />
            <Route path="/queues/:queue" element={<QueuesPage />} />
            <Route path="/service-levels" element={<ServiceLevelPage />} />
            <Route path="/admin/users" element={<UsersPage />} />
            <Route path="/r/:plural" element={<RecordListPage />} />
            <Route path="/r/:plural/new" element={<RecordCreatePage />} />
            <Route path="/r/:plural/:id" element={<RecordDetailPage />} />
          </>
        )}
        <Route path="*" element={<NotFound />} />
      </Routes>
      </ErrorBoundary>
    </Layout>
  );
}

function AfterLogin({ portal }: { portal: boolean }) {
  const next = new URLSearchParams(useLocation().search).get('next');
  // Only same-site paths: never bounce to another origin.
  const safe = next && next.startsWith('/') && !next.startsWith('//') ? next : portal ? '/portal' : '/queues';
  return <Navigate to={safe} replace />;
}
