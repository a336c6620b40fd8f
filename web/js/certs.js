// 我的证照 for an applicant; a department's certificates for its staff (证照管理).
import { api } from './api.js';
import { $, el, showError, page } from './common.js';

let cursor = null;

function rows(list) {
  return list.map((c) => el('tr', { 'data-id': c.id },
    el('td', {}, el('a', { href: '/cert.html?id=' + encodeURIComponent(c.id) }, c.name)),
    el('td', {}, c.number + (c.version > 1 ? `（第${c.version}版）` : '')),
    el('td', {}, c.holder),
    el('td', {}, c.issuer),
    el('td', {}, c.issue_date),
    el('td', {}, c.valid_until),
    el('td', {}, el('span', { class: `state cert-${c.state}` }, c.state_name))));
}

async function load(first) {
  const q = new URLSearchParams({ limit: '50' });
  if (cursor) q.set('cursor', cursor);
  const r = await api('GET', '/certificates?' + q);
  const body = $('#certs tbody');
  if (first) body.replaceChildren(...rows(r.certificates));
  else body.append(...rows(r.certificates));
  cursor = r.next_cursor;
  $('#more').classList.toggle('hidden', !cursor);
  $('#empty').classList.toggle('hidden', body.children.length > 0);
}

async function main() {
  const user = await page('certs');
  if (!user) return;
  if (user.role !== 'applicant') {
    $('#title').textContent = '证照管理';
    document.title = '证照管理 · 一窗';
    $('#intro').textContent = '本部门签发的电子证照：可查看、注销或换发。证照的签名与状态由任何人通过证照核验页核验。';
  }
  $('#more').addEventListener('click', () => load(false).catch((e) => showError($('#error'), e)));
  try {
    await load(true);
  } catch (e) {
    showError($('#error'), e);
  }
}

main();
