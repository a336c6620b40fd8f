// The e-ticket (电子号票): number, position, estimated wait, and the window
// once called; it follows the hall's events and refreshes itself.
import { api } from './api.js';
import { $, header, showError } from './common.js';
import { TICKET_STATES, waitText, follow } from './hall-common.js';

async function main() {
  await header('ticket');
  const q = new URLSearchParams(location.search);
  const id = q.get('id') || '';
  const key = q.get('key') || '';
  let cat = '';
  async function refresh() {
    try {
      const t = await api('GET', `/tickets/${encodeURIComponent(id)}?key=${encodeURIComponent(key)}`);
      cat = t.category;
      $('#number').textContent = t.number;
      $('#category').textContent = `业务类别 ${t.category}`;
      $('#state').textContent = t.state === 'called' || t.state === 'serving' ? `${TICKET_STATES[t.state]}：${t.window} 号窗口` : TICKET_STATES[t.state];
      $('#state').dataset.state = t.state;
      $('#queue').textContent = t.state === 'waiting' ? `前面还有 ${t.position - 1} 人，${waitText(t.estimated_wait_s, t.open_windows)}` : '';
      // served: the e-ticket's key rates this service once (一次一评), voluntarily
      $('#rate').classList.toggle('hidden', t.state !== 'done');
      $('#rate-link').href = `/review.html#ticket=${encodeURIComponent(id)}&k=${encodeURIComponent(key)}`;
      $('#ticket').classList.remove('hidden');
    } catch (e) {
      showError($('#error'), e.status === 404 ? { message: '没有找到这张号票。' } : e);
    }
  }
  await refresh();
  follow('', (ev) => { const p = ev.payload || {}; if (!cat || p.category === cat || p.ticket === id) refresh(); });
  setInterval(refresh, 15000);
}

main();
