// The applicant's "一件事" portal: the composite processes with what each
// saves, then one of them — the questions that choose its parts, one form,
// one material set, one submission (POST /process-runs).
import { api, currentUser } from './api.js';
import { $, el, header, showError, showFormError, limitText } from './common.js';
import { DELIVERY } from './case-view.js';
import { formFields, materialChecklist } from './form-fields.js';

// Working minutes as the guide says them: days of the calendar's working hours, or hours.
let perDay = 420;
const minutesText = (m) => (m >= perDay ? `${+(m / perDay).toFixed(1)}个工作日` : m >= 60 ? `${+(m / 60).toFixed(1)}小时` : `${m}分钟`);
const cutText = (cut) => (cut > 0 ? `（减少${cut}%）` : '');

function figures(f) {
  const fig = (label, before, after, cut) => el('div', { class: 'figure' },
    el('b', {}, `${before} → ${after}`), el('span', {}, label + cutText(cut)));
  return [
    fig('申请次数', f.before.applications, f.after.applications, f.cut_percent.applications),
    fig('填报字段', f.before.fields, f.after.fields, f.cut_percent.fields),
    fig('申请材料', f.before.materials, f.after.materials, f.cut_percent.materials),
    fig('跑动次数', f.before.visits, f.after.visits, f.cut_percent.visits),
    fig('办理时间', minutesText(f.before.minutes), minutesText(f.after.minutes), f.cut_percent.minutes),
  ];
}

// 企业开办 and the life events first, then the twenty industries of 一业一证
const rank = (p) => (p.code === 'P-QYKB' ? 0 : p.code.startsWith('P-YYYZ-') ? 2 : 1);

async function list() {
  const r = await api('GET', '/processes');
  perDay = r.summary.minutes_per_workday || perDay;
  const m = r.summary.mean_cut_percent;
  const fig = (value, label) => el('div', { class: 'figure' }, el('b', {}, value), el('span', {}, label));
  $('#summary').replaceChildren(fig(String(r.summary.processes), '件“一件事”'),
    fig(`${m.applications}%`, '平均减少申请次数'), fig(`${m.fields}%`, '平均减少填报字段'),
    fig(`${m.materials}%`, '平均减少申请材料'), fig(`${m.minutes}%`, '平均压减办理时间'));
  const cell = (f, k, text = (x) => x) => el('td', {}, `${text(f.before[k])} → ${text(f.after[k])}`,
    f.cut_percent[k] > 0 ? el('div', { class: 'muted' }, `减少${f.cut_percent[k]}%`) : null);
  const rows = r.processes.slice().sort((a, b) => rank(a) - rank(b) || a.code.localeCompare(b.code)).map((p) => el('tr', { 'data-process': p.code },
    el('td', {}, el('a', { href: `/things.html?code=${encodeURIComponent(p.code)}` }, p.name), el('span', { class: 'badge' }, `${p.parts}个事项`)),
    el('td', {}, limitText(p.promised_limit)),
    cell(p.figures, 'applications'), cell(p.figures, 'fields'), cell(p.figures, 'materials'), cell(p.figures, 'visits'),
    cell(p.figures, 'minutes', minutesText)));
  $('#processes tbody').replaceChildren(...rows);
  $('#processes').classList.remove('hidden');
}

// The parts the answers choose, as the server will (process_choose): every "when" matched.
function chosen(p, answers) {
  return p.parts.filter((x) => Object.entries(x.when || {}).every(([q, v]) => answers[q] === v));
}

async function one(code, user) {
  const [p, all] = await Promise.all([api('GET', '/processes/' + encodeURIComponent(code)), api('GET', '/processes')]);
  perDay = all.summary.minutes_per_workday || perDay;
  $('#processes').classList.add('hidden');
  $('#summary').classList.add('hidden');
  $('#thing-name').textContent = p.name;
  $('#thing-description').textContent = p.description || '';
  $('#thing-figures').replaceChildren(...figures(p.figures));
  const answers = {};
  const names = Object.fromEntries(p.parts.map((x) => [x.id, x.name || x.item_name]));
  const showParts = () => {
    const all = (p.questions || []).every((q) => answers[q.name]);
    const shown = all ? chosen(p, answers) : p.parts.filter((x) => !x.when);
    // a part decided on the applicant's signed commitment (告知承诺) asks for it
    $('#commitment-box').classList.toggle('hidden', !shown.some((x) => x.commitment));
    $('#parts tbody').replaceChildren(...shown.map((x) => el('tr', { 'data-part': x.id },
      el('td', {}, x.name || x.item_name, el('div', { class: 'muted' }, x.item_name)),
      el('td', {}, x.department_name),
      el('td', {}, (x.after || []).map((a) => names[a]).join('、') || '—'))));
  };
  $('#questions').replaceChildren(...(p.questions || []).map((q) => el('fieldset', { class: 'question', 'data-question': q.name },
    el('legend', {}, q.label || q.name),
    q.options.map((o) => el('label', { class: 'check' }, el('input', {
      type: 'radio', name: `answers.${q.name}`, value: o,
      onchange: () => { answers[q.name] = o; showParts(); },
    }), ` ${{ yes: '是', no: '否' }[o] || o}`)))));
  showParts();
  const f = formFields(p);
  const m = materialChecklist({ materials: p.materials }); // no item: the parts' own limits apply
  $('#fields').replaceChildren(f.node);
  $('#materials').replaceChildren(m.node);
  $('#delivery-mode').replaceChildren(...(p.delivery || ['window']).map((k) => el('option', { value: k }, DELIVERY[k])));
  // a window or a bank outlet (政银合作) files for the walk-in in front of it
  const filer = user && ['clerk', 'bank'].includes(user.role);
  $('#applicant-box').classList.toggle('hidden', !filer);
  $('#thing-form').classList.remove('hidden');
  $('#thing-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user || !['applicant', 'clerk', 'bank'].includes(user.role)) {
      showError($('#error'), { message: '在线申办需以申请人账号登录（综合窗口、银行网点可现场代办）。' });
      return;
    }
    $('#submit').disabled = true;
    document.querySelectorAll('.invalid').forEach((x) => x.classList.remove('invalid'));
    try {
      const channel = { applicant: 'online', clerk: 'window', bank: 'bank' }[user.role];
      const body = { process: code, channel, answers, form: f.values(), materials: await m.materials() };
      if (filer) {
        body.applicant = { kind: $('#a-kind').value, name: $('#a-name').value, id_number: $('#a-id').value, phone: $('#a-phone').value };
      }
      if (!$('#commitment-box').classList.contains('hidden')) body.commitment = $('#commitment').checked;
      const mode = $('#delivery-mode').value;
      body.delivery = { mode };
      if (mode === 'mail') body.delivery.address = $('#delivery-address').value;
      const run = await api('POST', '/process-runs', body);
      location.href = '/run.html?no=' + run.no;
    } catch (e) {
      showFormError(e, $('#submit'));
    }
  });
}

async function main() {
  await header('things');
  const user = await currentUser().catch(() => null);
  const code = new URLSearchParams(location.search).get('code');
  try {
    await (code ? one(code, user) : list());
  } catch (e) {
    showError($('#error'), e.status === 404 ? { message: '没有找到这件事。' } : e);
  }
}

main();
