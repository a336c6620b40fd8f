// The kiosk (自助取号机): big buttons per business category, a phone number
// instead of a paper ticket, the green channel with its reason, and
// appointment check-in with the booking code. The result is an e-ticket.
import { api } from './api.js';
import { $, el, header, showError } from './common.js';
import { waitText } from './hall-common.js';

function showTicket(r) {
  const t = r.ticket;
  const url = `/hall/ticket.html?id=${encodeURIComponent(t.id)}&key=${encodeURIComponent(r.key)}`;
  $('#result').replaceChildren(
    el('p', {}, '您的号码'),
    el('div', { class: 'big-number', id: 'ticket-number' }, t.number),
    el('p', {}, `前面还有 ${t.position - 1} 人，${waitText(t.estimated_wait_s)}`),
    el('p', {}, el('a', { class: 'button', id: 'e-ticket', href: url }, '打开电子号票')),
    el('p', { class: 'muted' }, '用手机打开电子号票可随时查看叫号进度，无需打印。'),
    el('button', { class: 'secondary', onclick: () => { $('#result').classList.add('hidden'); $('#take').classList.remove('hidden'); } }, '返回'));
  $('#take').classList.add('hidden');
  $('#result').classList.remove('hidden');
}

async function main() {
  await header('kiosk');
  const hall = await api('GET', '/hall');
  const zones = Object.fromEntries(hall.zones.map((z) => [z.code, z]));
  $('#green').addEventListener('change', () => $('#reason').classList.toggle('hidden', !$('#green').checked));
  $('#categories').replaceChildren(...hall.categories.map((c) => el('button', {
    class: 'kiosk-button', 'data-category': c.code,
    onclick: async () => {
      $('#error').classList.add('hidden');
      const body = { category: c.code, channel: 'kiosk', phone: $('#phone').value.trim() };
      if ($('#green').checked) { body.priority = 'green'; body.reason = $('#reason').value; }
      try {
        showTicket(await api('POST', '/tickets', body));
        $('#phone').value = '';
        $('#green').checked = false;
      } catch (e) { showError($('#error'), e); }
    },
  }, el('b', {}, `${c.code} ${c.name}`), el('span', {}, `${zones[c.zone] ? zones[c.zone].floor + '楼 ' + zones[c.zone].name : ''} · 等候 ${c.waiting} 人`))));
  $('#checkin').addEventListener('click', async () => {
    $('#error').classList.add('hidden');
    try {
      showTicket(await api('POST', `/appointments/${encodeURIComponent($('#code').value.trim().toUpperCase())}/actions/check_in`));
      $('#code').value = '';
    } catch (e) { showError($('#error'), e); }
  });
}

main();
