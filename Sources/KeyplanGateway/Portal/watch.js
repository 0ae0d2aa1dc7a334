// Live updates: `keyplan.Workspace/Watch`, a Connect server stream over one long POST. Both ways
// the body is a sequence of envelopes: a flags byte, a 4-byte big-endian length, that many bytes
// of JSON. Flags bit 0x02 marks the end-of-stream envelope (`{"error"?, "metadata"?}`).
//
// The stream resumes exactly: change ids grow in commit order within an account, so after a break
// we reconnect with `after` = the highest id seen and miss nothing (backing off 1 s → 30 s).
//
// That also lets a stream pause for free. Over HTTP/1.1 a browser keeps at most six connections to a
// server, and each open stream holds one: a few background tabs (or pages left behind, which Chrome may
// keep alive) would leave no connection for the calls of the page in front. So the workspace pauses its
// stream while hidden and resumes it, from the last id, when shown.

import { baseHeaders, errorFrom } from './api.js';

const END_STREAM = 0x02;
// Ends after which retrying cannot help: the session is gone or the account is out of reach.
const FINAL = new Set(['unauthenticated', 'not_found', 'permission_denied']);

function envelope(json) {
  const payload = new TextEncoder().encode(JSON.stringify(json));
  const bytes = new Uint8Array(5 + payload.length);
  new DataView(bytes.buffer).setUint32(1, payload.length);
  bytes.set(payload, 5);
  return bytes;
}

/**
 * Watches an account from change `after` on. `onChange(change)` for each change, in id order;
 * `onState(state, error?)` with 'connecting' | 'live' | 'reconnecting' | 'paused' | 'stopped'.
 * Returns `{ pause(), resume(), stop() }`.
 */
export function watchAccount(accountID, { after, onChange, onState }) {
  let lastID = after ?? null;
  let stopped = false;
  let paused = false;
  let generation = 0; // of the current connection: a connection from before a pause stops acting
  let controller = null;
  let delay = 1000;
  let timer = null;

  async function connect() {
    const mine = ++generation;
    const current = () => !stopped && !paused && mine === generation;
    controller = new AbortController();
    onState(lastID === null ? 'connecting' : 'reconnecting');
    let ending = null;
    try {
      const request = lastID === null ? { accountID } : { accountID, after: lastID };
      const response = await fetch('/keyplan.Workspace/Watch', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { ...baseHeaders, 'Content-Type': 'application/connect+json', 'Connect-Protocol-Version': '1' },
        body: envelope(request),
        signal: controller.signal,
      });
      if (!response.ok) {
        let json = null;
        try {
          json = await response.json();
        } catch {}
        ending = errorFrom(response.status, json);
      } else {
        if (!current()) return;
        onState('live');
        ending = await read(response.body.getReader(), current);
      }
    } catch (error) {
      if (!current()) return;
      ending = error; // the network broke: retry
    }
    if (!current()) return;
    if (ending?.code && FINAL.has(ending.code)) {
      stopped = true;
      onState('stopped', ending);
      return;
    }
    onState('reconnecting', ending);
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000);
  }

  // Reads envelopes until the stream ends; answers the end's error, if any.
  async function read(reader, current) {
    let buffer = new Uint8Array(0);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null; // ended without an end-of-stream envelope: reconnect
      const joined = new Uint8Array(buffer.length + value.length);
      joined.set(buffer);
      joined.set(value, buffer.length);
      buffer = joined;
      while (buffer.length >= 5) {
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
        if (buffer.length < 5 + length) break;
        const flags = buffer[0];
        const json = JSON.parse(new TextDecoder().decode(buffer.subarray(5, 5 + length)));
        buffer = buffer.slice(5 + length);
        if (flags & END_STREAM) return json.error ? errorFrom(0, json.error) : null;
        if (!current()) return null;
        delay = 1000; // a message arrived: the connection works, so the next break retries quickly
        if (lastID === null || json.id > lastID) {
          lastID = json.id;
          onChange(json);
        }
      }
    }
  }

  connect();
  return {
    pause() {
      if (stopped || paused) return;
      paused = true;
      clearTimeout(timer);
      controller?.abort();
      onState('paused');
    },
    resume() {
      if (stopped || !paused) return;
      paused = false;
      delay = 1000;
      connect();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      onState('stopped');
    },
  };
}
