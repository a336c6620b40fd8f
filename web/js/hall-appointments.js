// Online appointments (在线预约): slots per category and working day, book,
// cancel; the booking code is what the kiosk takes at check-in.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';

const STATES = { booked: '已预约', cancelled: '已取消', checked_in: '已签到', missed: '未到' };

async function mine() {
  const r = await api('GET', '/appointments');
  if (!r.appointments.length) {
    $('#mine tbody').replaceChildren(el('tr', { class: 'empty-row' }, el('td', { colspan: 6, class: 'muted', id: 'no-appointments' }, '暂无预约。')));
    return;
  }
  $('#mine tbody').replaceChildren(...r.appointments.map((a) => el('tr', { 'data-appointment': a.id },
    el('td', {}, el('b', { class: 'code' }, a.id)), el('td', {}, a.category_name), el('td', {}, a.date), el('td', {}, a.slot),
    el('td', {}, STATES[a.state] || a.state),
    el('td', {}, a.state === 'booked' ? el('button', { class: 'secondary cancel', onclick: async () => {
      try { await api('POST', `/appointments/${a.id}/actions/cancel`); await mine(); } catch (e) { showError($('#error'), e); }
    } }, '取消') : null))));
}

async function slots() {
  $('#error').classList.add('hidden');
  try {
    const r = await api('GET', `/appointment-slots?category=${$('#category').value}&date=${$('#date').value}`);
    $('#slots').replaceChildren(!r.workday ? el('p', { class: 'muted', id: 'no-slots' }, '该日不是工作日，不能预约。')
      : !r.slots.length ? el('p', { class: 'muted', id: 'no-slots' }, '该日暂无可预约时段。')
      : el('div', { class: 'slot-grid' }, r.slots.map((s) => el('button', {
        class: 'slot', 'data-slot': s.slot, disabled: s.available === 0,
        onclick: async () => {
          try {
            const a = await api('POST', '/appointments', { category: $('#category').value, date: $('#date').value, slot: s.slot });
            $('#ok').textContent = `预约成功，预约码 ${a.id}，请于 ${a.date} ${a.slot} 前后到大厅签到。`;
            $('#ok').classList.remove('hidden');
            await Promise.all([mine(), slots()]);
          } catch (e) { showError($('#error'), e); }
        },
      }, s.slot, el('small', {}, ` 余 ${s.available}`)))));
  } catch (e) { showError($('#error'), e); }
}

async function main() {
  const user = await page('appointments');
  if (!user) return;
  $('#unverified').classList.toggle('hidden', user.verified !== false);
  const hall = await api('GET', '/hall');
  $('#category').replaceChildren(...hall.categories.map((c) => el('option', { value: c.code }, `${c.code} ${c.name}`)));
  // tomorrow in Beijing time (the hall's), whatever this device's time zone
  const d = new Date(Date.now() + 8 * 3600000 + 86400000);
  $('#date').value = d.toISOString().slice(0, 10);
  $('#find').addEventListener('click', slots);
  if (user.role === 'applicant') await mine();
}

main();
