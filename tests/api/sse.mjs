// A Server-Sent Events client for tests: connects, parses events, lets a test wait for them.
export async function openStream(url, { lastEventId, token } = {}) {
  const controller = new AbortController();
  const headers = lastEventId !== undefined ? { 'Last-Event-ID': String(lastEventId) } : {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { headers, signal: controller.signal });
  const stream = { status: res.status, headers: res.headers, events: [], waiters: [], closed: false };
  if (res.status !== 200) { stream.body = await res.text(); stream.close = () => {}; return stream; }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const ev = {};
          for (const line of block.split('\n')) {
            const m = line.match(/^(id|event|data): (.*)$/);
            if (m) ev[m[1]] = m[2];
          }
          if (ev.data) {
            ev.received = Date.now();
            ev.json = JSON.parse(ev.data);
            stream.events.push(ev);
            for (const w of stream.waiters.splice(0)) w();
          }
        }
      }
    } catch { /* aborted */ }
    stream.closed = true;
    for (const w of stream.waiters.splice(0)) w();
  })();
  stream.close = () => controller.abort();
  // Resolves when pred holds for the events seen so far (or rejects after ms).
  stream.until = (pred, ms = 5000) => new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`timed out; saw ${JSON.stringify(stream.events.map((e) => e.json))}`)), ms);
    const check = () => {
      if (pred(stream.events)) { clearTimeout(timer); ok(stream.events); return; }
      if (stream.closed) { clearTimeout(timer); fail(new Error('stream closed')); return; }
      stream.waiters.push(check);
    };
    check();
  });
  return stream;
}
