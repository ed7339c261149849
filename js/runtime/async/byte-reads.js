/**
 * One read of a `stream<u8>` by the host, for one JS read of its `ReadableStream`
 * (channel-values.js): the bytes of as many writes as arrive before the page's next macrotask turn
 * go into one chunk (`HostByteRoom`), so that a guest writing 64 KiB at a time feeds JS chunks of up
 * to the room's size, with one allocation and one JS read each, not one per write.
 *
 * The spec lets the host as reader take its time: a write that meets its pending read completes at
 * once, and the read completes when the host reclaims its buffer (CanonicalABI.md, "Stream State":
 * `on_copy` hands the reader `reclaim_buffer`). This read stays pending while its room has space
 * and the turn has not come, and reads again after a copy that completed it with bytes; at the turn
 * it reclaims its buffer, or cancels a read that took nothing since. Backpressure holds: the writer
 * writes ahead of JS by at most the room, and only while JS waits for a read.
 */
import { nextTurn } from './scheduler.js';
import { COMPLETED, CANCELLED } from './channels.js';

/**
 * Reads `shared` into `room` until the room is full, the stream ends, or the next turn, then calls
 * `done` once: with COMPLETED (the room holds what came, maybe nothing) or DROPPED.
 * @param {{read: Function, cancel: () => void}} shared the stream's shared state, or the host's source
 * @param {import('./buffers.js').HostByteRoom} room
 * @param {(result: number) => void} done
 */
export function readCoalesced(shared, room, done) {
  /** set once a write has landed in the waiting read: ends it, keeping what it took */
  let reclaim = null;
  let turnQueued = false;
  let finished = false;

  const finish = (result) => {
    if (finished) return;
    finished = true;
    done(result);
  };
  const queueTurn = () => {
    if (turnQueued) return;
    turnQueued = true;
    // Unless finished, a read waits in `shared` now.
    nextTurn(() => {
      if (finished) return;
      if (reclaim !== null) {
        reclaim();
        finish(COMPLETED);
      } else {
        // The read waits with nothing new in it: cancelling completes it (`onCopyDone`).
        shared.cancel();
      }
    });
  };
  const onCopy = (r) => {
    reclaim = r;
    if (room.remain() > 0) {
      queueTurn();
      return;
    }
    reclaim();
    finish(COMPLETED);
  };
  let before = 0;
  const onCopyDone = (result) => {
    // A copy that completed the read with bytes and left room: read on (a write may follow before the turn).
    if (result === COMPLETED && room.progress > before && room.remain() > 0 && !finished) {
      queueTurn();
      read();
    } else {
      finish(result === CANCELLED ? COMPLETED : result);
    }
  };
  const read = () => {
    reclaim = null;
    before = room.progress;
    shared.read(null, room, onCopy, onCopyDone);
  };
  read();
}
