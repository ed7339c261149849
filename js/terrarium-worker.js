/**
 * The worker Terrarium starts for an instance made with `blocking: 'worker'` (a Web Worker in a
 * page, a worker_threads Worker in Node). Bundled as dist/terrarium-worker.js, next to
 * dist/terrarium.js, so `new URL('./terrarium-worker.js', import.meta.url)` in js/platform-*.js
 * finds it from both js/ and the bundle.
 */

import { parentChannel } from '#platform';
import { serveGuest } from './worker/guest.js';

serveGuest(parentChannel());
