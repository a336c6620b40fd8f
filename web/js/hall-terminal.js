// The 24-hour self-service terminal (24小时自助终端): a kiosk without site navigation that
// serves whoever stands in front of it. Progress needs nothing; printing, appointments and
// ratings need the person's one-time SMS code, which opens a visit (the terminal acts for them
// alone until they leave or the screen has been idle for 90 seconds). Every print is audited
// before its document comes; certificates print as PDF, notices as the page the case prints.
import { api, apiRaw, currentUser } from './api.js';
import { $, el, showError } from './common.js';
import { formFields } from './form-fields.js';
import { sayAloud } from './hall-common.js';

const IDLE_MS = 90000;
const SCREENS = ['s-setup', 's-home', 's-progress', 's-identify', 's-visit'];
const STATES = { submitted: '待受理', correction: '待补正', accepted: '办理中', returned: '退回', suspended: '中止', approved: '已办结', denied: '不予许可', refused: '不予受理', withdrawn: '已撤回', lapsed: '已失效', delivered: '已送达', closed: '已办结' };
const NOTICES = { accepted: [['acceptance', '受理通知书']], approved: [['acceptance', '受理通知书']], delivered: [['acceptance', '受理通知书']], closed: [['acceptance', '受理通知书']], refused: [['refusal', '不予受理通知书']], correction: [['correction', '补正材料通知书']] };
const DONE = ['approved', 'delivered', 'closed', 'denied'];
let visit = null;
let purpose = null;
let idle = null;

function show(id) {
  for (const s of SCREENS) $('#' + s).classList.toggle('hidden', s !== id);
  $('#home').classList.toggle('hidden', id === 's-home' || id === 's-setup');
  $('#error').classList.add('hidden');
}

async function leave() {
  if (visit) await api('POST', `/terminal/visits/${visit.visit}/actions/end`).catch(() => {});
  visit = null;
  purpose = null;
  for (const f of ['#code-form', '#verify-form', '#progress-form', '#appoint-form', '#apply-form']) $(f).reset();
  $('#verify-form').classList.add('hidden');
  $('#print-frame').removeAttribute('src');
  for (const b of ['#progress-result', '#appoint-result', '#rate-result', '#apply-result']) $(b).replaceChildren();
  $('#s-fields').replaceChildren();
  $('#s-materials').replaceChildren();
  applying = null;
  show('s-home');
}

// the screen resets itself when nobody touches it
function touched() {
  clearTimeout(idle);
  idle = setTimeout(() => { if (!$('#s-home').classList.contains('hidden')) return; leave(); }, IDLE_MS);
}

async function progress(ev) {
  ev.preventDefault();
  const no = $('#p-no').value.trim(), phone4 = $('#p-phone4').value.trim();
  try {
    const r = await api('GET', `/progress/${encodeURIComponent(no)}?phone4=${encodeURIComponent(phone4)}`);
    $('#progress-result').replaceChildren(el('p', { id: 'progress-state' }, `${r.item_name}：${r.state_label}`),
      r.deadline ? el('p', {}, `承诺办结时间：${r.deadline}`) : null,
      el('ol', {}, ...r.timeline.map((e) => el('li', {}, `${new Date(e.at).toLocaleString('zh-CN', { hour12: false })} ${e.to_label}`))));
  } catch (e) { showError($('#error'), e); }
}

async function sendCode(ev) {
  ev.preventDefault();
  try {
    const r = await api('POST', '/terminal/codes', { id_number: $('#i-id').value.trim().toUpperCase(), phone: $('#i-phone').value.trim() });
    $('#verify-form').dataset.code = r.id;
    $('#verify-form').classList.remove('hidden');
    $('#code-note').textContent = '如信息无误，验证码已发送到您的手机，5 分钟内有效。';
    $('#i-code').focus();
  } catch (e) { showError($('#error'), e); }
}

async function verify(ev) {
  ev.preventDefault();
  try {
    visit = await api('POST', `/terminal/codes/${$('#verify-form').dataset.code}/verify`, { code: $('#i-code').value.trim() });
    await openVisit();
  } catch (e) { showError($('#error'), e); }
}

async function printDoc(body) {
  try {
    const r = await api('POST', `/terminal/visits/${visit.visit}/prints`, body);
    const frame = $('#print-frame');
    frame.onload = () => { try { frame.contentWindow.print(); } catch { /* a PDF prints from its own viewer */ } };
    frame.src = `/api/v1/terminal/prints/${r.print}`;
  } catch (e) { showError($('#error'), e); }
}

function printTab(v) {
  const certs = v.certificates.certificates || [];
  $('#certs tbody').replaceChildren(...(certs.length ? certs.map((c) => el('tr', { 'data-cert': c.id },
    el('td', {}, c.name, el('div', { class: 'muted' }, c.number)), el('td', {}, c.issue_date),
    el('td', {}, el('button', { type: 'button', 'data-action': 'print', onclick: () => printDoc({ kind: 'certificate', ref: c.id }) }, '打印'))))
    : [el('tr', {}, el('td', { colspan: 3, class: 'muted' }, '您还没有电子证照。'))]));
  const cases = v.cases.cases || [];
  $('#notices tbody').replaceChildren(...(cases.length ? cases.map((c) => el('tr', { 'data-case': c.no },
    el('td', {}, c.item_name, el('div', { class: 'muted' }, c.no)), el('td', {}, STATES[c.state] || c.state),
    el('td', {}, ...(NOTICES[c.state] || []).map(([k, label]) => el('button', { type: 'button', class: 'secondary', 'data-notice': k, onclick: () => printDoc({ kind: 'notice', ref: c.no, notice: k }) }, label)))))
    : [el('tr', {}, el('td', { colspan: 3, class: 'muted' }, '您还没有办件。'))]));
}

function tomorrow() {
  const d = new Date(Date.now() + 8 * 3600000 + 86400000);
  return d.toISOString().slice(0, 10);
}

async function appointTab() {
  const hall = await api('GET', '/hall');
  const sel = $('#a-category');
  sel.replaceChildren(...hall.categories.map((c) => el('option', { value: c.code }, `${c.code} ${c.name}`)));
  const slots = async () => {
    const r = await api('GET', `/appointment-slots?category=${sel.value}&date=${tomorrow()}`);
    $('#a-slot').replaceChildren(...(r.slots.filter((s) => s.available > 0).map((s) => el('option', { value: s.slot }, `${s.slot}（余 ${s.available}）`))));
    if (!r.slots.length) $('#appoint-result').textContent = '明天不是工作日，不能预约。';
  };
  sel.onchange = () => slots().catch((e) => showError($('#error'), e));
  await slots();
}

async function appoint(ev) {
  ev.preventDefault();
  try {
    const r = await api('POST', `/terminal/visits/${visit.visit}/appointments`, { category: $('#a-category').value, date: tomorrow(), slot: $('#a-slot').value });
    $('#appoint-result').replaceChildren(el('p', { id: 'appoint-code' }, `预约成功：${r.date} ${r.slot} ${r.category_name}，预约码 ${r.id}。明天到大厅自助取号机凭预约码签到。`));
  } catch (e) { showError($('#error'), e); }
}

// 自助办理: one of the items the catalog marks self_service; its materials scanned here and
// stored as the person's, the application filed as theirs.
let applying = null;
function applyTab(v) {
  const sel = $('#s-item');
  sel.replaceChildren(...v.self_service.map((it) => el('option', { value: it.code }, it.name)));
  const pick = () => {
    const item = v.self_service.find((it) => it.code === sel.value);
    if (!item) return;
    const f = formFields(item);
    const files = item.materials.map((m) => [m, el('input', { type: 'file', name: `scan.${m.id}`, 'aria-label': `${m.name}：扫描件`, accept: '.pdf,.jpg,.jpeg,.png,.ofd' })]);
    $('#s-fields').replaceChildren(f.node);
    $('#s-materials').replaceChildren(el('table', { class: 'list' }, el('tbody', {}, ...files.map(([m, input]) =>
      el('tr', {}, el('td', {}, m.name, m.required ? el('span', { class: 'req' }, ' *') : null), el('td', {}, input))))));
    applying = { item, f, files };
  };
  sel.onchange = pick;
  pick();
}

async function scan(file) {
  return (await apiRaw('POST', `/terminal/visits/${visit.visit}/materials`, file, 'application/octet-stream')).sha256;
}

async function apply(ev) {
  ev.preventDefault();
  $('#s-submit').disabled = true;
  try {
    const materials = [];
    for (const [m, input] of applying.files) if (input.files.length) materials.push({ id: m.id, sha256: await scan(input.files[0]) });
    const r = await api('POST', `/terminal/visits/${visit.visit}/cases`, { item: applying.item.code, channel: 'kiosk', form: applying.f.values(), materials });
    $('#apply-result').replaceChildren(el('p', { id: 'apply-no' }, `已提交：办件编号 ${r.no}。请记下编号，凭编号和手机号后四位可随时查询进度。`));
  } catch (e) { showError($('#error'), e); }
  $('#s-submit').disabled = false;
}

function rateTab(v) {
  const done = (v.cases.cases || []).filter((c) => DONE.includes(c.state));
  $('#rateable tbody').replaceChildren(...(done.length ? done.map((c) => el('tr', { 'data-case': c.no },
    el('td', {}, c.item_name, el('div', { class: 'muted' }, c.no)),
    el('td', {}, ...[5, 4, 3, 2, 1].map((level) => el('button', { type: 'button', class: 'secondary', 'data-level': String(level), onclick: () => rate(c.no, level) },
      ['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'][level]))))) : [el('tr', {}, el('td', { colspan: 2, class: 'muted' }, '没有可以评价的办结件。'))]));
}

async function rate(no, level) {
  const body = { channel: 'web', case: no, level };
  if (level <= 2) body.reasons = ['other'];
  try {
    await api('POST', `/terminal/visits/${visit.visit}/reviews`, body);
    $('#rate-result').textContent = level <= 2 ? '感谢您的评价，我们会尽快核实整改并回访。' : '感谢您的评价！';
  } catch (e) { showError($('#error'), e); }
}

async function openVisit() {
  const v = await api('GET', `/terminal/visits/${visit.visit}`);
  $('#visit-title').textContent = `您好，${visit.name}`;
  for (const k of ['print', 'appoint', 'rate', 'apply']) $('#visit-' + k).classList.toggle('hidden', purpose !== k);
  if (purpose === 'apply') applyTab(v);
  if (purpose === 'print') printTab(v);
  if (purpose === 'appoint') await appointTab();
  if (purpose === 'rate') rateTab(v);
  show('s-visit');
}

function readAloud() {
  const shown = SCREENS.map((s) => $('#' + s)).find((s) => !s.classList.contains('hidden'));
  sayAloud([$('h1').innerText, shown ? shown.innerText : ''].join('。').replace(/\n+/g, '，'));
}

async function main() {
  $('#read-aloud').addEventListener('click', readAloud);
  const user = await currentUser().catch(() => null);
  if (!user || user.role !== 'terminal') { show('s-setup'); return; }
  show('s-home');
  $('#home').addEventListener('click', leave);
  $('#leave').addEventListener('click', leave);
  $('#t-progress').addEventListener('click', () => show('s-progress'));
  for (const k of ['print', 'appoint', 'rate', 'apply']) $('#t-' + k).addEventListener('click', () => { purpose = k; show('s-identify'); $('#i-id').focus(); });
  $('#progress-form').addEventListener('submit', progress);
  $('#code-form').addEventListener('submit', sendCode);
  $('#verify-form').addEventListener('submit', verify);
  $('#appoint-form').addEventListener('submit', appoint);
  $('#apply-form').addEventListener('submit', apply);
  for (const e of ['click', 'keydown', 'touchstart']) document.addEventListener(e, touched, { passive: true });
}

main().catch((e) => showError($('#error'), e));
