// The page of the "served by a component" demo: registers serve-sw.js, whose fetch handler
// answers /api/... with the http-handler component, then sends it requests and shows the answers.

const $ = (id) => document.getElementById(id);

async function show(path, init) {
  const response = await fetch(path, init);
  const lines = [`${response.status} ${response.statusText}`.trim()];
  for (const [name, value] of response.headers) lines.push(`${name}: ${value}`);
  lines.push('', await response.text());
  $('answer').textContent = lines.join('\n');
}

async function start() {
  for (const [id, url] of [['source', '/guests/http-handler/src/lib.rs'], ['worker-source', '/demo-site/serve-sw.js']]) {
    fetch(url).then((r) => r.text()).then((text) => ($(id).textContent = text));
  }
  if (!('serviceWorker' in navigator)) {
    $('status').textContent = 'This browser has no Service Workers.';
    return;
  }
  await navigator.serviceWorker.register('/demo-site/serve-sw.js', { type: 'module' });
  // The first visit: the worker takes the page over once it is active (clients.claim()).
  if (navigator.serviceWorker.controller === null) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  }
  $('status').textContent = 'The Service Worker answers /api/ with the component.';
  document.body.dataset.ready = 'true';
}

$('hello-form').addEventListener('submit', (event) => {
  event.preventDefault();
  show(`/api/hello?name=${encodeURIComponent($('name').value)}`);
});
$('echo-form').addEventListener('submit', (event) => {
  event.preventDefault();
  show('/api/echo', { method: 'POST', body: $('echo-body').value, headers: { 'x-test': 'from the page' } });
});
$('trap').addEventListener('click', () => show('/api/trap'));

start().catch((error) => {
  $('status').textContent = `The Service Worker could not start: ${error.message}`;
});
