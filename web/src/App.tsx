import { useEffect } from 'react';
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
import { ServiceDeskPage } from './pages/ServiceDeskPage';
import { SearchPage } from './pages/SearchPage';
import { KnowledgePage } from './pages/KnowledgePage';
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
    <>
    <ScrollToTop />
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
            <Route path="/portal/knowledge" element={<KnowledgePage />} />
            <Route path="/portal/search" element={<SearchPage />} />
          </>
        ) : (
          <>
            <Route path="/queues" element={<QueuesPage />} />
            <Route path="/queues/:queue" element={<QueuesPage />} />
            <Route path="/service-levels" element={<ServiceLevelPage />} />
            <Route path="/service-desk" element={<ServiceDeskPage />} />
            <Route path="/search" element={<SearchPage />} />
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
    </>
  );
}

// A new screen starts at its top (the router keeps the old scroll position otherwise, e.g.
// a created record would open scrolled down to where the form's button was).
function ScrollToTop() {
  const { pathname } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [pathname]);
  return null;
}

function AfterLogin({ portal }: { portal: boolean }) {
  const next = new URLSearchParams(useLocation().search).get('next');
  // Only same-site paths: never bounce to another origin.
  const safe = next && next.startsWith('/') && !next.startsWith('//') ? next : portal ? '/portal' : '/queues';
  return <Navigate to={safe} replace />;
}
