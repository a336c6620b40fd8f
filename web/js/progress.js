// Public progress lookup: the case number and the phone's last four digits;
// the timeline comes back without any personal data. The QR code on every
// notice opens this page with the number filled in.
import { api } from './api.js';
import { $, el, header, showError } from './common.js';
import { ACTIONS, lightBadge } from './case-view.js';
import { plain } from './plain.js';

async function lookup(no, phone4) {
  $('#error').classList.add('hidden');
  try {
    const p = await api('GET', `/progress/${encodeURIComponent(no)}?phone4=${encodeURIComponent(phone4)}`);
    $('#result').replaceChildren(
      el('h2', {}, p.item_name),
      el('p', {}, '办件编号 ', el('b', {}, p.no), '　当前状态 ', el('span', { class: `state ${p.state}`, id: 'progress-state' }, p.state_label), plain(p.state_label),
        '　', p.deadline ? `办理期限 ${p.deadline.replace('T', ' ').replace(/\+.*$/, '')} ` : '', p.light ? lightBadge(p.light) : null),
      el('ol', { class: 'timeline' }, p.timeline.map((e) => el('li', {},
        el('time', {}, e.at.replace('T', ' ').slice(0, 16)), ' ', el('b', {}, ACTIONS[e.action] || e.action), ' → ', e.to_label))));
    $('#result').classList.remove('hidden');
  } catch (e) {
    $('#result').classList.add('hidden');
    showError($('#error'), e.status === 404 ? { message: '没有找到与编号和手机号后四位相符的办件。' }
      : e.status === 429 ? { message: '查询失败次数过多，请稍后再试。' } : e);
  }
}

async function main() {
  await header('progress');
  const no = new URLSearchParams(location.search).get('no');
  if (no) $('#no').value = no;
  $('#progress-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    lookup($('#no').value.trim(), $('#phone4').value.trim());
  });
  if (no) $('#phone4').focus();
}

main();
