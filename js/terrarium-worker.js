/**
 * The worker Terrarium starts for an instance made with `blocking: 'worker'` (a Web Worker in a
 * page, a worker_threads Worker in Node). Node runs this file (js/platform-node.js); a browser runs
 * it bundled as dist/terrarium-worker.js (js/platform-browser.js), which stands alone.
 */

import { parentChannel } from '#platform';
import { serveGuest } from './worker/guest.js';

serveGuest(parentChannel());
