// The window console (综合窗口): start a case for a walk-in applicant for any
// item, tick and scan the materials, then accept, accept with deficiencies,
// ask for a correction or refuse; print the notice; hand over results.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';
import { lightBadge, showCase } from './case-view.js';
import { formFields, materialChecklist } from './form-fields.js';
import { seat } from './seat.js';

const QUEUES = [
  { key: 'submitted', label: '待受理', query: 'state=submitted' },
  { key: 'correction', label: '待补正', query: 'state=correction' },
  { key: 'accepted', label: '审查中', query: 'state=accepted&sort=deadline' },
  { key: 'approved', label: '待出件', query: 'state=approved' },
  { key: 'denied', label: '不予许可', query: 'state=denied' },
  { key: 'delivered', label: '已送达', query: 'state=delivered' },
];

async function main() {
  const user = await page('window', { roles: ['clerk'], need: '综合窗口需以窗口人员账号登录。' });
  if (!user) return;
  const offices = await api('GET', '/offices').catch(() => ({ offices: [] }));
  // the office by its name (GET /offices); the code only if the list does not have it
  const mine = offices.offices.find((o) => o.code === user.office);
  $('#office').textContent = `受理机构 ${mine ? mine.name : user.office || '—'}`;
  const s = seat(user, QUEUES, {
    columns: (c) => [el('td', {}, c.state_label), el('td', {}, lightBadge(c.light))],
    onOpen: () => $('#new-form').classList.add('hidden'),
  });
  $('#decide-office').replaceChildren(el('option', { value: '' }, '（本机构）'),
    ...offices.offices.map((o) => el('option', { value: o.code }, o.name)));

  let item = null;
  let form = null;
  let mats = null;
  // 实名核验: the clerk has the ID card in hand and checks it against the account
  $('#verify-open').addEventListener('click', () => {
    $('#case').replaceChildren();
    $('#new-form').classList.add('hidden');
    $('#verify-done').classList.add('hidden');
    $('#verify-form').classList.remove('hidden');
    $('#v-username').focus();
  });
  $('#verify-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#error').classList.add('hidden');
    document.querySelectorAll('.invalid').forEach((x) => x.classList.remove('invalid'));
    try {
      const username = $('#v-username').value.trim();
      const r = await api('POST', `/users/${encodeURIComponent(username)}/actions/verify`,
        { name: $('#v-name').value.trim(), id_number: $('#v-id').value.trim().toUpperCase() });
      $('#verify-form').reset();
      $('#verify-done').textContent = `已核验：${r.user.name}（${r.user.id_number}），账号 ${r.user.username}`;
      $('#verify-done').classList.remove('hidden');
    } catch (e) {
      showError($('#error'), e);
      const bad = e.field && $('#verify-form').querySelector(`[name="${e.field}"]`);
      if (bad) bad.classList.add('invalid');
    }
  });
  $('#new-case').addEventListener('click', () => {
    $('#case').replaceChildren();
    $('#verify-form').classList.add('hidden');
    $('#new-form').classList.remove('hidden');
    $('#item-search').focus();
  });
  async function find() {
    const q = $('#item-search').value.trim();
    const r = await api('GET', '/items?limit=20&q=' + encodeURIComponent(q));
    $('#item-select').replaceChildren(...(r.items.length
      ? r.items.map((i) => el('option', { value: i.code }, `${i.name}（${i.department_name}）`))
      : [el('option', { value: '', disabled: true, selected: true }, '没有找到符合条件的事项，请换个关键词')]));
    $('#item-select').classList.remove('hidden');
  }
  $('#item-find').addEventListener('click', find);
  $('#item-search').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); find(); } });
  $('#item-select').addEventListener('change', async () => {
    if (!$('#item-select').value) return;
    item = await api('GET', '/items/' + encodeURIComponent($('#item-select').value));
    $('#item-name').textContent = item.name;
    form = formFields(item);
    mats = materialChecklist(item);
    $('#fields').replaceChildren(form.node);
    $('#materials').replaceChildren(mats.node);
    $('#item-form').classList.remove('hidden');
  });
  $('#new-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#create').disabled = true;
    $('#error').classList.add('hidden');
    document.querySelectorAll('.invalid').forEach((x) => x.classList.remove('invalid'));
    try {
      const body = {
        item: item.code, channel: $('#channel').value, form: form.values(), materials: await mats.materials(),
        applicant: { kind: $('#a-kind').value, name: $('#a-name').value.trim(), id_number: $('#a-id').value.trim().toUpperCase(), phone: $('#a-phone').value.trim() },
      };
      if ($('#decide-office').value) body.decide_office = $('#decide-office').value;
      if (item.commitment) body.commitment = true;
      const c = await api('POST', '/cases', body);
      $('#new-form').classList.add('hidden');
      $('#new-form').reset();
      $('#item-form').classList.add('hidden');
      await showCase($('#case'), c.no, user, () => s.load());
      history.replaceState(null, '', '?no=' + c.no);
      s.load();
    } catch (e) {
      showError($('#error'), e);
      const bad = e.field && document.querySelector(`[name="${e.field.replace(/\[\d+\].*$/, '')}"]`);
      if (bad) bad.classList.add('invalid');
    }
    $('#create').disabled = false;
  });
}

main();
