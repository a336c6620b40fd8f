// The window console (窗口叫号): sign in at a window, call the next ticket,
// recall, mark a no-show, start and finish service (linking the cases
// accepted), transfer, pause and resume, sign out.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';
import { TICKET_STATES, PRIORITIES } from './hall-common.js';

let current = null;
let windowNo = null;

function show(t) {
  current = t && (t.state === 'called' || t.state === 'serving') ? t : null;
  $('#current').replaceChildren(current
    ? el('div', {}, el('span', { class: 'big-number', id: 'current-number' }, current.number),
      el('span', { class: 'state', id: 'current-state' }, TICKET_STATES[current.state]),
      el('span', { class: 'muted' }, `  ${PRIORITIES[current.priority]} · 重呼 ${current.recalls} 次`))
    : el('span', { class: 'muted', id: 'current-none' }, t === null ? '当前无人等候' : '当前无号'));
}

async function act(fn) {
  $('#error').classList.add('hidden');
  try { await fn(); } catch (e) { showError($('#error'), e); }
  await queues();
}

async function queues() {
  const hall = await api('GET', '/hall');
  $('#queues tbody').replaceChildren(...(hall.categories.length
    ? hall.categories.map((c) => el('tr', { 'data-category': c.code }, el('td', {}, `${c.code} ${c.name}`), el('td', {}, c.waiting)))
    : [el('tr', { class: 'empty-row' }, el('td', { colspan: 2, class: 'muted' }, '暂无业务类别。'))]));
  // a live refresh keeps what the clerk has chosen
  const chosen = $('#transfer-category').value;
  $('#transfer-category').replaceChildren(...hall.categories.map((c) => el('option', { value: c.code }, `${c.code} ${c.name}`)));
  if (hall.categories.some((c) => c.code === chosen)) $('#transfer-category').value = chosen;
  const w = hall.windows.find((x) => x.no === windowNo);
  if (w) $('#window-state').textContent = { open: '服务中', paused: '暂停', closed: '未上岗' }[w.state] + (w.staff ? `（${w.staff}）` : '');
}

async function main() {
  const user = await page('counter', { roles: ['clerk'], need: '窗口叫号需以窗口人员账号登录。' });
  if (!user) return;
  const m = user.username.match(/^clerk-(\d+)$/);
  windowNo = Number(new URLSearchParams(location.search).get('window') || (m ? m[1] : '')) || null;
  if (windowNo) $('#window-no').value = windowNo;
  $('#window-no').addEventListener('change', () => { windowNo = Number($('#window-no').value); $('#window-label').textContent = `${windowNo} 号窗口`; queues(); });
  if (windowNo) $('#window-label').textContent = `${windowNo} 号窗口`;
  const win = (a) => act(() => api('POST', `/windows/${windowNo}/actions/${a}`));
  $('#sign-in').addEventListener('click', () => win('sign_in'));
  $('#sign-out').addEventListener('click', () => win('sign_out'));
  $('#pause').addEventListener('click', () => win('pause'));
  $('#resume').addEventListener('click', () => win('resume'));
  $('#call-next').addEventListener('click', () => act(async () => {
    const t = await api('POST', `/windows/${windowNo}/call-next`);
    show(t);
  }));
  const onTicket = (a, body) => act(async () => {
    if (!current) throw new Error('当前没有号');
    show(await api('POST', `/tickets/${current.id}/actions/${a}`, body));
  });
  $('#recall').addEventListener('click', () => onTicket('recall'));
  $('#no-show').addEventListener('click', () => onTicket('no_show'));
  $('#start').addEventListener('click', () => onTicket('start'));
  $('#finish').addEventListener('click', () => {
    const cases = $('#cases').value.split(/[,，\s]+/).filter(Boolean);
    onTicket('finish', cases.length ? { cases } : {}).then(() => { $('#cases').value = ''; });
  });
  $('#transfer').addEventListener('click', () => onTicket('transfer', { category: $('#transfer-category').value }));
  // the window's rating device: its page with the window's key, for the clerk signed in here
  $('#device').addEventListener('click', async (ev) => {
    ev.preventDefault();
    try {
      const k = await api('GET', `/windows/${windowNo}/rating-key`);
      window.open(k.url, '_blank');
    } catch (e) { showError($('#error'), e); }
  });
  await queues();
}

main();
