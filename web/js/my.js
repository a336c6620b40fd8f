// The applicant's cases, newest first.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';
import { lightBadge } from './case-view.js';
import { plain } from './plain.js';

async function main() {
  const user = await page('my');
  if (!user) return;
  $('#unverified').classList.toggle('hidden', user.verified !== false);
  try {
    const r = await api('GET', '/cases?applicant=me&limit=100');
    const rows = r.cases.map((c) => el('tr', { 'data-no': c.no },
      el('td', {}, el('a', { href: '/case.html?no=' + c.no }, c.no)),
      el('td', {}, c.item_name),
      el('td', {}, el('span', { class: `state ${c.state}` }, c.state_label), plain(c.state_label)),
      el('td', {}, c.deadline || '—', ' ', c.light ? lightBadge(c.light) : null),
      el('td', {}, (c.submitted_at || '').replace('T', ' ').slice(0, 16))));
    $('#cases tbody').replaceChildren(...rows);
    $('#empty').classList.toggle('hidden', rows.length > 0);
  } catch (e) {
    showError($('#error'), e);
  }
}

main();
