/**
 * The worker Terrarium starts for an instance made with `blocking: 'worker'` (a Web Worker in a
 * page, a worker_threads Worker in Node). Node runs this file (js/platform-node.js); a browser runs
 * it bundled as dist/terrarium-worker.js (js/platform-browser.js), which stands alone.
 */

import { parentChannel } from '#platform';
import { serveGuest } from './worker/guest.js';

/**
 * Each instance the page makes in this worker (a worker is reused once its last instance was
 * disposed: worker/host.js) gets a guest of its own, from its `init` message on; what an earlier
 * guest still posts (a finalizer's drop) no longer reaches the page.
 */
const port = parentChannel();
let current = null;
port.listen((data) => {
  if (data?.init) {
    const guest = serveGuest({
      post: (message, transfer) => {
        if (current === guest) port.post(message, transfer);
      },
    });
    current = guest;
  }
  current?.(data);
});
