// What the staff seats share: a list of cases in tabs (queues) beside the
// case being worked on. A queue is a label and a query of GET /cases.
import { api } from './api.js';
import { $, el, showError } from './common.js';
import { lightBadge, showCase } from './case-view.js';

export function seat(user, queues, { columns, onOpen } = {}) {
  let current = 0;
  let open = new URLSearchParams(location.search).get('no');
  const cols = columns || ((c) => [el('td', {}, c.state_label), el('td', {}, lightBadge(c.light))]);

  async function load() {
    const q = queues[current];
    try {
      const r = await api('GET', '/cases?' + q.query);
      const rows = r.cases.map((c) => el('tr', { class: 'case-row' + (c.no === open ? ' active' : ''), 'data-no': c.no, onclick: () => show(c.no) },
        el('td', {}, el('div', { class: 'case-no' }, c.no), el('div', { class: 'muted' }, `${c.item_name} · ${c.applicant_name}`)),
        cols(c)));
      $('#cases tbody').replaceChildren(...rows);
      $('#empty').classList.toggle('hidden', rows.length > 0);
    } catch (e) {
      showError($('#error'), e);
    }
  }

  async function show(no) {
    open = no;
    history.replaceState(null, '', '?no=' + no);
    document.querySelectorAll('.case-row').forEach((r) => r.classList.toggle('active', r.dataset.no === no));
    if (onOpen) onOpen(no);
    try {
      await showCase($('#case'), no, user, () => load());
    } catch (e) {
      showError($('#error'), e);
    }
  }

  $('#queues').replaceChildren(...queues.map((q, i) => el('button', {
    class: i === current ? 'active' : '', 'data-queue': q.key,
    onclick: (ev) => {
      current = i;
      document.querySelectorAll('#queues button').forEach((b) => b.classList.remove('active'));
      ev.target.classList.add('active');
      load();
    },
  }, q.label)));
  load();
  if (open) show(open);
  return { load, show };
}
