// The rating page (服务评价): reached from a QR code on a notice or e-ticket, an SMS link,
// the applicant's case or run page, or the e-ticket. The proof it carries stays in the
// address's fragment (#case=…&t=…, #ticket=…&k=…), which the browser never sends in a
// request line; the web channel (?case=… from one's own case page) needs the applicant's login.
import { api } from './api.js';
import { $, el, header, showError, showFormError } from './common.js';
import { CHANNELS, bad, checkedReasons, levelButtons, reasonBoxes } from './review-common.js';

const KINDS = { case: '办件', run: '一件事', ticket: '窗口服务' };

function proof() {
  const h = new URLSearchParams(location.hash.slice(1));
  const q = new URLSearchParams(location.search);
  for (const kind of ['case', 'run', 'ticket']) {
    if (h.get(kind) && h.get('t')) return { kind, no: h.get(kind), channel: h.get('ch') === 'sms' ? 'sms' : 'qr', token: h.get('t') };
    if (h.get(kind) && h.get('k')) return { kind, no: h.get(kind), channel: 'eticket', key: h.get('k') };
    if (q.get(kind)) return { kind, no: q.get(kind), channel: 'web' };
  }
  return null;
}

async function main() {
  const user = await header('');
  const p = proof();
  if (!p) { showError($('#error'), { message: '评价链接不完整：请重新扫描二维码或打开短信中的链接。' }); return; }
  if (p.channel === 'web' && !user) {
    location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
    return;
  }
  const q = new URLSearchParams({ [p.kind]: p.no, channel: p.channel });
  if (p.token) q.set('token', p.token);
  if (p.key) q.set('key', p.key);
  let s;
  try {
    s = await api('GET', `/reviews/subject?${q}`);
  } catch (e) {
    showError($('#error'), e.status === 404 ? { message: '没有找到可以评价的服务：链接可能有误。' } : e);
    return;
  }
  $('#what').textContent = `${KINDS[s.kind]} ${s.kind === 'ticket' ? '' : s.no} · ${CHANNELS[p.channel]}`;
  $('#name').textContent = s.name || '';
  $('#where').textContent = [s.department, s.window ? `${s.window} 号窗口` : ''].filter(Boolean).join(' · ');
  $('#subject').classList.remove('hidden');
  if (!s.rateable) {
    const why = { rated: '这项服务已经评价过了，感谢您的参与。', open: '这项服务尚未办结，办结后即可评价。', window_closed: '这项服务办结已超过评价期限。' };
    $('#done').textContent = why[s.reason] || '这项服务现在不能评价。';
    $('#done').classList.remove('hidden');
    return;
  }
  let level = 0;
  $('#levels').append(levelButtons((l) => {
    level = l;
    $('#bad-box').classList.toggle('hidden', !bad(l));
    $('#submit').disabled = false;
  }));
  $('#scores').append(...s.indicators.map((i) => el('label', {}, i.name,
    el('select', { name: `score-${i.code}`, 'data-code': i.code },
      el('option', { value: '' }, '—'), [5, 4, 3, 2, 1].map((v) => el('option', { value: v }, `${v} 分`))))));
  $('#reasons').append(reasonBoxes(s.reasons));
  $('#form').classList.remove('hidden');
  $('#form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = $('#submit');
    button.disabled = true;
    const body = { channel: p.channel, [p.kind]: p.no, level };
    if (p.token) body.token = p.token;
    if (p.key) body.key = p.key;
    const scores = {};
    for (const sel of document.querySelectorAll('#scores select')) if (sel.value) scores[sel.dataset.code] = Number(sel.value);
    if (Object.keys(scores).length) body.scores = scores;
    if (bad(level)) body.reasons = checkedReasons($('#reasons'));
    const text = $('#text').value.trim();
    if (text) body.text = text;
    try {
      const r = await api('POST', '/reviews', body);
      $('#form').classList.add('hidden');
      $('#done').textContent = bad(r.level)
        ? `已收到您的评价（${r.level_name}）。承办部门将在规定时间内与您联系核实并整改，整改结果会请您再次评价。`
        : `已收到您的评价（${r.level_name}），感谢您的支持。`;
      $('#done').classList.remove('hidden');
    } catch (e) { showFormError(e, button); }
  });
}

main();
