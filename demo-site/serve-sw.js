// The Service Worker of the "served by a component" demo (serve.html): every request its pages
// make under /api/ is answered by the http-handler component (tests/guests/http-handler), through
// Terrarium's serve(), in this worker; everything else goes to the network as usual. A Service
// Worker may not import() (the HTML standard refuses it), so it takes the package as one file.

import { serve } from '/dist/terrarium-service-worker.js';

// One handler for the worker's life: the component is loaded and compiled once, and each request
// gets an instance of its own (JSPI lets the guest wait for the request body as it streams in).
const handler = serve('/components/http-handler.wasm', {
  onError: (error, request) => console.error(`${request.method} ${request.url}: ${error?.message ?? error}`),
});

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  if (!new URL(event.request.url).pathname.startsWith('/api/')) return;
  event.respondWith(handler.then((handle) => handle(event.request)));
});
