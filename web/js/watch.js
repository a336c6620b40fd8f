// 效能预警 on the supervisor's board: the watch's alerts with their evidence, live (topic
// "watch"), acknowledged (知悉) and closed with what was done (办结); a run of the rules on
// request; the figures by state.
import { api } from './api.js';
import { $, el, showError } from './common.js';

const RULES = { idle: '环节停留过久', slow: '办理用时偏长', closed: '排队长而窗口关闭', wait: '等候超时', ratings: '满意率下降', refusals: '退件比例异常' };
const STATES = { open: '待处理', acked: '已知悉', closed: '已办结' };
const time = (ms) => new Date(ms).toLocaleString('zh-CN', { hour12: false });

async function act(id, action, body) {
  $('#alert-error').classList.add('hidden');
  try {
    await api('POST', `/watch/alerts/${id}/actions/${action}`, body);
    await load();
  } catch (e) { showError($('#alert-error'), e); }
}

function closeForm(a) {
  const input = el('input', { 'aria-label': '处理情况', placeholder: '处理情况', id: `note-${a.id}` });
  return el('form', { class: 'inline', onsubmit: (ev) => { ev.preventDefault(); act(a.id, 'close', { note: input.value.trim() }); } },
    input, el('button', { type: 'submit', 'data-action': 'close' }, '办结'));
}

function row(a) {
  return el('tr', { 'data-alert': a.id, 'data-rule': a.rule, 'data-subject': a.subject },
    el('td', {}, a.title, a.cleared_ms ? el('div', { class: 'muted' }, `情况已消除（${time(a.cleared_ms)}）`) : null,
      a.note ? el('div', { class: 'muted' }, `处理：${a.note}`) : null),
    el('td', {}, RULES[a.rule] || a.rule), el('td', {}, time(a.raised_ms)), el('td', { class: 'state' }, STATES[a.state]),
    el('td', {}, a.state === 'open' ? el('button', { type: 'button', class: 'secondary', 'data-action': 'ack', onclick: () => act(a.id, 'ack') }, '知悉') : null,
      a.state !== 'closed' ? closeForm(a) : null));
}

export async function load() {
  const r = await api('GET', '/watch/alerts');
  const f = r.figures;
  const fig = (label, value, id) => el('div', { class: 'figure', id }, el('b', {}, String(value)), el('span', {}, label));
  $('#alert-figures').replaceChildren(fig('待处理预警', f.open, 'fig-alerts-open'), fig('已知悉', f.acked, 'fig-alerts-acked'),
    fig('已办结', f.closed, 'fig-alerts-closed'), fig('情况已消除未办结', f.cleared, 'fig-alerts-cleared'));
  $('#alerts tbody').replaceChildren(...(r.alerts.length ? r.alerts.map(row)
    : [el('tr', { class: 'empty-row' }, el('td', { colspan: 5, class: 'muted' }, '暂无预警。'))]));
}

export function watchBoard() {
  $('#watch-run').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/watch/run');
      $('#watch-status').textContent = `检查完毕，新发现 ${r.raised} 条预警。`;
      await load();
    } catch (e) { showError($('#alert-error'), e); }
  });
  // live: a new alert, or one acknowledged or closed elsewhere
  const es = new EventSource('/api/v1/events?topics=watch');
  es.addEventListener('watch', () => load().catch(() => {}));
  return load();
}
