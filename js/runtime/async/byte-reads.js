/**
 * One read of a `stream<u8>` by the host, for one JS read of its `ReadableStream`
 * (channel-values.js): the bytes of the writes that arrive while the writer keeps writing go into
 * one chunk (`HostByteRoom`), so that a guest writing 64 KiB at a time feeds JS chunks of up to the
 * room's size, with one allocation and one JS read each, not one per write.
 *
 * The spec lets the host as reader take its time: a write that meets its pending read completes at
 * once, and the read completes when the host reclaims its buffer (CanonicalABI.md, "Stream State":
 * `on_copy` hands the reader `reclaim_buffer`). This read stays pending while its room has space,
 * and reads again after a copy that completed it with bytes and left room. It ends when the room is
 * full, when the stream ends, or at the first macrotask turn (`nextTurn`) that finds no new bytes
 * since the turn before: a writer that yields between writes (wit-bindgen's guests do, and go on
 * after a turn once their time slice is spent) still fills the chunk, and one that stops writing
 * is delivered within two turns. Backpressure holds: the writer writes ahead of JS by at most the
 * room, and only while JS waits for a read.
 */
import { nextTurn } from './scheduler.js';
import { COMPLETED, CANCELLED } from './channels.js';

/**
 * Reads `shared` into `room` until the room is full, the stream ends, or a turn passes with no
 * bytes, then calls `done` once: with COMPLETED (the room holds what came, maybe nothing) or
 * DROPPED.
 * @param {{read: Function, cancel: () => void}} shared the stream's shared state, or the host's source
 * @param {import('./buffers.js').HostByteRoom} room
 * @param {(result: number) => void} done
 */
export function readCoalesced(shared, room, done) {
  /** set once a write has landed in the waiting read: ends it, keeping what it took */
  let reclaim = null;
  let turnQueued = false;
  /** the room's bytes when the last turn came */
  let atLastTurn = 0;
  let finished = false;

  const finish = (result) => {
    if (finished) return;
    finished = true;
    done(result);
  };
  // Unless finished, a read waits in `shared` at a turn.
  const onTurn = () => {
    turnQueued = false;
    if (finished) return;
    if (room.progress !== atLastTurn) {
      atLastTurn = room.progress;
      queueTurn();
    } else if (reclaim !== null) {
      reclaim();
      finish(COMPLETED);
    } else {
      // The read waits with nothing new in it: cancelling completes it (`onCopyDone`).
      shared.cancel();
    }
  };
  const queueTurn = () => {
    if (turnQueued) return;
    turnQueued = true;
    nextTurn(onTurn);
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
