import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api';
import { AuthProvider } from './auth';
import { App } from './App';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A 4xx will not get better by asking again.
      retry: (count, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

// Strict CSP (no inline <style>): the default theme's CSS variables already come from
// @mantine/core/styles.css, so MantineProvider must not inject its own <style> element
// (withCssVariables; it would be empty for the default theme but is still refused), and the
// breakpoint helper classes (hiddenFrom/visibleFrom, another <style>) are not used. So: no
// custom theme values here — style through web/src/app.css. Style props and component
// variables are set through the CSSOM (element.style), which CSP allows.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider withGlobalClasses={false} withCssVariables={false} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AuthProvider>
            <App />
          </AuthProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
