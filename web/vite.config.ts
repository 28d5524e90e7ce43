import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The bundle must run under the server's strict Content-Security-Policy (no inline
// scripts or styles): no module-preload polyfill is inlined into index.html, and assets are
// never inlined as data: URLs.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` proxies the API to a running `ordo serve` (ORDO_API, default :8080).
    proxy: { '/api': process.env.ORDO_API ?? 'http://127.0.0.1:8080' },
  },
});
