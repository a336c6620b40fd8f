// 我的证照 for an applicant; a department's certificates for its staff (证照管理).
import { api } from './api.js';
import { $, el, showError, page } from './common.js';
import { csvLine, parseCsv } from './csv.js';

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

// 存量证照电子化: a batch's columns, by the headers a department's spreadsheet carries.
const COLUMNS = [['holder', '持证主体'], ['holder_id', '证件号码'], ['number', '原证编号'], ['issued_on', '发证日期'], ['valid_until', '有效期至']];
const LABELS = { ...Object.fromEntries(COLUMNS), fields: '证照字段' };
let types = [];

function records(rows, type) {
  const [head, ...body] = rows;
  const col = (name, label) => head.findIndex((h) => h.trim() === label || h.trim() === name);
  const own = COLUMNS.map(([k, zh]) => [k, col(k, zh)]);
  const fields = type.fields.map((f) => [f, col(f, f)]);
  const missing = own.filter(([, i]) => i < 0).map(([k]) => LABELS[k]);
  if (missing.length) throw new Error(`CSV 缺少列：${missing.join('、')}（请使用模板）`);
  return body.map((r) => ({
    ...Object.fromEntries(own.map(([k, i]) => [k, (r[i] || '').trim()])),
    fields: Object.fromEntries(fields.filter(([, i]) => i >= 0).map(([f, i]) => [f, (r[i] || '').trim()])),
  }));
}

function template() {
  const t = types.find((x) => x.code === $('#convert-type').value);
  if (!t) return;
  const text = '\ufeff' + csvLine([...COLUMNS.map(([, zh]) => zh), ...t.fields]) + '\r\n';
  $('#convert-template').href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  $('#convert-template').download = `${t.name}存量证照模板.csv`;
}

let deptNames = {};

async function conversions() {
  const r = await api('GET', '/certificates/conversions');
  types = r.types;
  const sel = $('#convert-type');
  if (!sel.options.length) sel.replaceChildren(...types.map((t) => el('option', { value: t.code }, t.name)));
  template();
  $('#conversions tbody').replaceChildren(...r.conversions.map((c) => el('tr', { 'data-type': c.type },
    el('td', {}, c.name), el('td', {}, deptNames[c.department] || c.department), el('td', { class: 'num' }, String(c.converted)),
    el('td', {}, new Date(c.last_ms + 8 * 3600e3).toISOString().slice(0, 10)))));
}

async function convert(e) {
  e.preventDefault();
  const box = $('#error');
  box.classList.add('hidden');
  $('#convert-result').classList.add('hidden');
  $('#convert-problems').classList.add('hidden');
  try {
    const t = types.find((x) => x.code === $('#convert-type').value);
    const file = $('#convert-file').files[0];
    if (!t || !file) throw new Error('请选择证照类型和 CSV 文件');
    const body = { type: t.code, records: records(parseCsv(await file.text()), t) };
    if ($('#convert-dept').value) body.department = $('#convert-dept').value;
    const r = await api('POST', '/certificates/conversions', body);
    $('#convert-result').textContent = `已转换 ${r.converted} 张${t.name}，均已签名，可在下表和证照核验页查验。`;
    $('#convert-result').classList.remove('hidden');
    $('#convert-file').value = '';
    await conversions();
    await load(true);
  } catch (x) {
    showError(box, x);
    if (x.rows) {
      const bad = new Set(x.rows.map((p) => (/^records\[(\d+)\]/.exec(p.field) || [])[1])).size;
      box.textContent = `有 ${bad} 行有误，整批未转换：请按下表修改后重新上传。`;
      // records[i] is the file's line i + 2 (the header is line 1)
      $('#convert-problems tbody').replaceChildren(...x.rows.map((p) => {
        const m = /^records\[(\d+)\]\.(\w+)(.*)$/.exec(p.field) || [];
        return el('tr', {}, el('td', {}, m[1] ? `第 ${Number(m[1]) + 2} 行` : ''), el('td', {}, (LABELS[m[2]] || m[2] || p.field) + (m[3] || '')), el('td', {}, p.message));
      }));
      $('#convert-problems').classList.remove('hidden');
    }
  }
}

async function main() {
  const user = await page('certs');
  if (!user) return;
  if (user.role !== 'applicant') {
    $('#title').textContent = '证照管理';
    document.title = '证照管理 · 一窗';
    $('#intro').textContent = '本部门签发的电子证照：可查看、注销或换发。证照的签名与状态由任何人通过证照核验页核验。';
  }
  if (user.role === 'approver' || user.role === 'admin') {
    $('#convert-card').classList.remove('hidden');
    const d = await api('GET', '/departments').catch(() => ({ departments: [] }));
    deptNames = Object.fromEntries(d.departments.map((x) => [x.code, x.name]));
    if (user.role === 'admin') {
      $('#convert-dept').append(...d.departments.map((x) => el('option', { value: x.code }, x.name)));
      $('#convert-dept-label').classList.remove('hidden');
    }
    $('#convert-type').addEventListener('change', template);
    $('#convert-form').addEventListener('submit', convert);
    conversions().catch((e) => showError($('#error'), e));
  }
  $('#more').addEventListener('click', () => load(false).catch((e) => showError($('#error'), e)));
  try {
    await load(true);
  } catch (e) {
    showError($('#error'), e);
  }
}

main();
