// The kiosk (自助取号机): big buttons per business category, a phone number
// instead of a paper ticket, the green channel with its reason, and
// appointment check-in with the booking code. The result is an e-ticket.
// A hall device: no site navigation, no login. Outside the hall's hours
// (before opening, after closing, on days off) it says when the hall opens
// and does not issue tickets; the server says when that is (GET /hall).
import { api, currentUser } from './api.js';
import { $, el, showError } from './common.js';
import { sayAloud, waitText } from './hall-common.js';
import { askBox } from './ask.js';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
let status = { issuing: true };
let zones = {};
let hoursText = '';

// "2026-12-07" → "12月7日（星期一）"
function dayText(date) {
  const [y, m, d] = date.split('-').map(Number);
  return `${m}月${d}日（星期${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}）`;
}
// "2026-12-07T09:00:00+08:00" → "9:00": the hall's own local time, whatever the kiosk's clock says
const timeOf = (iso) => iso.slice(11, 16).replace(/^0/, '');

// Whether the kiosk issues tickets now, and what it tells the person: the server's word
// (GET /hall: "open", "opens_at" when closed, "resumes_at" in a break, "today", "workday").
function hallStatus(hall) {
  if (!hall || typeof hall.open !== 'boolean') return { issuing: true };
  if (hall.open) {
    return hall.resumes_at
      ? { issuing: true, state: 'break', text: `${timeOf(hall.resumes_at)} 起继续叫号`, sub: '午间休息，可先取号等候' }
      : { issuing: true };
  }
  if (!hall.opens_at) return { issuing: false, state: 'closed', text: '大厅暂停取号', sub: '请咨询大厅工作人员' };
  const day = hall.opens_at.slice(0, 10);
  const time = timeOf(hall.opens_at);
  if (day === hall.today) {
    return { issuing: false, state: 'before', text: `大厅 ${time} 开放，请届时取号`, sub: `今日办理时间 ${hoursText}` };
  }
  return hall.workday === false
    ? { issuing: false, state: 'off', text: '今天是休息日，大厅不办理业务', sub: `下一个工作日 ${dayText(day)}${time} 开放，请届时取号` }
    : { issuing: false, state: 'closed', text: '今日办理时间已结束', sub: `大厅 ${dayText(day)}${time} 开放，请届时取号` };
}

function showStatus() {
  const box = $('#hours');
  box.classList.toggle('hidden', !status.text);
  box.classList.toggle('closed', !status.issuing);
  if (status.state) box.dataset.state = status.state; else delete box.dataset.state;
  box.replaceChildren(el('b', { id: 'hours-text' }, status.text || ''), el('span', {}, status.sub || ''));
  $('#hours-line').textContent = hoursText ? `办理时间：工作日 ${hoursText}` : '';
  for (const b of document.querySelectorAll('.kiosk-button')) b.disabled = !status.issuing;
}

function showTicket(r) {
  const t = r.ticket;
  const url = `/hall/ticket.html?id=${encodeURIComponent(t.id)}&key=${encodeURIComponent(r.key)}`;
  $('#result').replaceChildren(...[
    el('p', {}, '您的号码'),
    el('div', { class: 'big-number', id: 'ticket-number' }, t.number),
    el('p', {}, `前面还有 ${t.position - 1} 人，${waitText(t.estimated_wait_s, t.open_windows)}`),
    status.state === 'break' ? el('p', { class: 'muted' }, `午间休息，${status.text}`) : null,
    el('p', {}, el('a', { class: 'button', id: 'e-ticket', href: url }, '打开电子号票')),
    el('p', { class: 'muted' }, '用手机打开电子号票可随时查看叫号进度，无需打印。'),
    el('button', { class: 'secondary', onclick: () => { $('#result').classList.add('hidden'); $('#take').classList.remove('hidden'); } }, '返回'),
  ].filter(Boolean));
  $('#take').classList.add('hidden');
  $('#result').classList.remove('hidden');
}

function categoryButton(c) {
  const z = zones[c.zone];
  const place = z ? `${z.floor}楼 ${z.name}` : '';
  // floor and zone each keep together where they fit: "4楼" / "人力资源和社会保障服务大厅"
  const placeNode = z ? el('span', { class: 'place' }, el('span', {}, `${z.floor}楼`), ' ', el('span', {}, z.name)) : null;
  return el('button', {
    class: 'kiosk-button', 'data-category': c.code, disabled: !status.issuing,
    title: [`${c.code} ${c.name}`, place, `等候 ${c.waiting} 人`].filter(Boolean).join(' · '),
    onclick: async () => {
      $('#error').classList.add('hidden');
      if (!status.issuing) { showError($('#error'), { message: `${status.text}，${status.sub}` }); return; }
      const body = { category: c.code, channel: 'kiosk', phone: $('#phone').value.trim() };
      if ($('#green').checked) { body.priority = 'green'; body.reason = $('#reason').value; }
      try {
        showTicket(await api('POST', '/tickets', body));
        refresh();
        $('#phone').value = '';
        $('#green').checked = false;
        $('#reason').classList.add('hidden');
      } catch (e) { showError($('#error'), e); }
    },
  }, el('b', {}, `${c.code} ${c.name}`),
  placeNode,
  el('span', { class: 'waiting' }, `等候 ${c.waiting} 人`));
}

// GET /hall: whether tickets are issued now, and the buttons with each category's queue.
async function refresh() {
  let hall = null;
  try {
    hall = await api('GET', '/hall');
  } catch (e) { showError($('#error'), e); }
  hoursText = hall && hall.hours ? hall.hours.replaceAll('-', '–').replaceAll(',', '、') : '';
  status = hallStatus(hall);
  showStatus();
  if (!hall) return;
  zones = Object.fromEntries(hall.zones.map((z) => [z.code, z]));
  $('#categories').replaceChildren(...(hall.categories.length
    ? hall.categories.map(categoryButton)
    : [el('p', { class: 'muted', id: 'no-categories' }, '暂无可取号的业务类别，请咨询大厅工作人员。')]));
}

// 朗读: what the screen says now — the ticket, or the hours and the categories to choose from
function readAloud() {
  const shown = (sel) => { const e = $(sel); return e && !e.classList.contains('hidden') ? e.innerText : ''; };
  const parts = shown('#result')
    ? [shown('#result')]
    : ['自助取号', shown('#hours-line'), shown('#hours'), shown('#error'),
      '请输入手机号码，再选择办理业务：', ...[...document.querySelectorAll('#categories .kiosk-button')].map((b) => b.innerText)];
  sayAloud(parts.filter(Boolean).join('。').replace(/\n+/g, '，'));
}

async function main() {
  $('#read-aloud').addEventListener('click', readAloud);
  // 智能导服: an answer's 取号 presses its category's button (the phone typed above goes with it)
  askBox($('#ask'), { channel: 'kiosk', onTicket: (code) => { const b = document.querySelector(`#categories [data-category="${code}"]`); if (b) b.click(); } });
  // the CSRF token, should someone be signed in; hall staff at the kiosk may grant the green channel
  const user = await currentUser().catch(() => null);
  const staff = user && ['clerk', 'supervisor'].includes(user.role);
  $('#green-box').classList.toggle('hidden', !staff);
  $('#green-note').classList.toggle('hidden', !!staff);
  await refresh();
  $('#green').addEventListener('change', () => $('#reason').classList.toggle('hidden', !$('#green').checked));
  // the hall opens and closes, and the queues change, while the kiosk stands there
  setInterval(refresh, 30000);
  $('#checkin').addEventListener('click', async () => {
    $('#error').classList.add('hidden');
    try {
      showTicket(await api('POST', `/appointments/${encodeURIComponent($('#code').value.trim().toUpperCase())}/actions/check_in`));
      $('#code').value = '';
      refresh();
    } catch (e) { showError($('#error'), e); }
  });
}

main();
