// What every page shares: the header, Chinese labels for codes, small DOM helpers.
import { currentUser, logout } from './api.js';

export const LEVELS = { district: '区级', town: '镇（街道）级', village: '村（居）级' };
export const TYPES = {
  license: '行政许可', confirmation: '行政确认', payment: '行政给付', levy: '行政征收',
  ruling: '行政裁决', reward: '行政奖励', inspection: '行政检查', other: '其他行政权力',
  public_service: '公共服务',
};
export const CASE_TYPES = { instant: '即办件', promised: '承诺件' };
export const DEPTHS = { 1: 'Ⅰ级（网上咨询）', 2: 'Ⅱ级（网上预审）', 3: 'Ⅲ级（网上受理）', 4: 'Ⅳ级（全程网办）' };
export const ROLES = { applicant: '申请人', clerk: '综合窗口', approver: '审批人员', supervisor: '效能监察', admin: '系统管理员', bank: '银行网点', monitor: '社会监督员', assessor: '第三方评估', terminal: '自助终端' };
export const UNITS = { workday: '个工作日', workhour: '个工作小时' };

export function limitText(l, caseType) {
  if (caseType === 'instant' || !l || l.value === 0) return '即时办结';
  return `${l.value}${UNITS[l.unit] || ''}`;
}

// Creates an element: el('a', {href: '/', class: 'x'}, 'text', child…). Text is never parsed as HTML.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const $ = (sel) => document.querySelector(sel);

// Fills the page header; resolves to the signed-in user (or null).
// 关怀模式 (the national 适老化 guidance): large type and high contrast, chosen once on this
// device and kept. Applied as the module loads, before the page draws its content.
const CARE_KEY = 'yc-care';
const careOn = () => { try { return localStorage.getItem(CARE_KEY) === '1'; } catch { return false; } };
document.documentElement.classList.toggle('care', careOn());

function careButton() {
  const b = el('button', { id: 'care', type: 'button', 'aria-pressed': String(careOn()) }, careOn() ? '标准模式' : '关怀模式');
  b.addEventListener('click', () => {
    const on = !document.documentElement.classList.contains('care');
    document.documentElement.classList.toggle('care', on);
    try { localStorage.setItem(CARE_KEY, on ? '1' : '0'); } catch { /* private mode: this page only */ }
    b.textContent = on ? '标准模式' : '关怀模式';
    b.setAttribute('aria-pressed', String(on));
  });
  return b;
}

export async function header(active) {
  const user = await currentUser().catch(() => null);
  const nav = [['guide', '/', '办事指南'], ['things', '/things.html', '一件事'], ['progress', '/progress.html', '进度查询'], ['satisfaction', '/satisfaction.html', '满意度公示'], ['verify', '/verify.html', '证照核验'], ['spotcheck', '/spotcheck.html', '双随机公示'], ['tax', '/tax.html', '纳税服务'], ['court', '/court.html', '分调裁审'], ['foreign', '/foreign.html', '外资准入']];
  const seats = {
    applicant: [['my', '/my.html', '我的办件'], ['runs', '/runs.html', '我的一件事'], ['certs', '/certs.html', '我的证照'], ['appointments', '/hall/appointments.html', '预约取号']],
    clerk: [['window', '/window.html', '综合窗口'], ['runs', '/runs.html', '一件事受理'], ['counter', '/hall/counter.html', '窗口叫号'], ['reviews', '/reviews.html', '好差评整改'], ['inspections', '/inspections.html', '检查任务']],
    approver: [['inbox', '/inbox.html', '审批待办'], ['runs', '/runs.html', '一件事协同'], ['certs', '/certs.html', '证照管理'], ['reviews', '/reviews.html', '好差评整改'], ['inspect', '/inspect.html', '双随机监管']],
    supervisor: [['board', '/board.html', '效能监察'], ['runs', '/runs.html', '一件事监察'], ['hall-stats', '/hall/stats.html', '大厅统计'], ['reviews', '/reviews.html', '好差评监察'], ['visit', '/visit.html', '监督查评'], ['certs', '/certs.html', '证照管理'], ['inspect', '/inspect.html', '双随机监管']],
    admin: [['admin', '/admin/items.html', '事项管理'], ['certs', '/certs.html', '证照管理'], ['inspect', '/inspect.html', '双随机监管']],
    bank: [['runs', '/runs.html', '网点代办']],
    monitor: [['visit', '/visit.html', '监督查评'], ['certs', '/certs.html', '证照管理']],
    assessor: [['visit', '/visit.html', '第三方评估']],
  };
  // 应急转贷: the fund's department (财政金融局), the banks, the overseers and firms
  if (user && (['supervisor', 'admin', 'bank'].includes(user.role) || (user.role === 'approver' && user.department === 'czjr') || user.kind === 'business')) {
    seats[user.role] = [...(seats[user.role] || []), ['finance', '/finance.html', user.role === 'applicant' ? '应急转贷' : '转贷资金']];
  }
  // 年度数据: the overseers
  if (user && ['supervisor', 'admin'].includes(user.role)) seats[user.role] = [...seats[user.role], ['report', '/report.html', '年度数据']];
  // 智能导服: the questions it could not answer and its synonyms
  if (user && ['supervisor', 'admin'].includes(user.role)) seats[user.role] = [...seats[user.role], ['guide-admin', '/admin/guide.html', '智能导服']];
  // 全能岗培训: the hall's clerks, and those who oversee them
  if (user && ['clerk', 'supervisor'].includes(user.role)) seats[user.role] = [...seats[user.role], ['training', '/training.html', '全能岗培训']];
  // 知识产权调解: the workstation (市场监管) and the overseers
  if (user && (['supervisor', 'admin'].includes(user.role) || (user.role === 'approver' && user.department === 'scjg'))) {
    seats[user.role] = [...(seats[user.role] || []), ['ipmed', '/ipmed.html', '知识产权调解']];
  }
  // 惠企资金: firms, the schemes' departments, the overseers
  if (user && (['supervisor', 'admin'].includes(user.role) || (user.role === 'approver' && ['czjr', 'scjg'].includes(user.department)) || user.kind === 'business')) {
    seats[user.role] = [...(seats[user.role] || []), ['grants', '/grants.html', '惠企资金']];
  }
  // 政府采购: every budget unit's approvers, the overseers
  if (user && ['approver', 'supervisor', 'admin'].includes(user.role)) seats[user.role] = [...seats[user.role], ['procurement', '/procurement.html', '政府采购']];
  if (user && seats[user.role]) nav.push(...seats[user.role]);
  const bar = el('div', { class: 'bar' },
    el('a', { class: 'brand', href: '/' }, '一窗', el('small', {}, '经区政务服务 · 一窗受理 一网通办')),
    el('nav', {}, nav.map(([key, href, text]) => el('a', { href, 'aria-current': key === active ? 'page' : null }, text))),
    el('div', { class: 'user' }, careButton(), user
      ? [el('span', { id: 'who' }, `${user.name || user.username}（${ROLES[user.role] || user.role}）`),
        el('button', { id: 'logout', onclick: async () => { await logout(); location.href = '/'; } }, '退出')]
      : [el('a', { id: 'login-link', href: '/login.html?next=' + encodeURIComponent(location.pathname + location.search) }, '登录')]));
  const h = $('header.top');
  h.replaceChildren(bar);
  if (user && user.role !== 'applicant') nextYearNotice(h);
  return user;
}

// Staff are told, from December on, when next year's holiday notice is not loaded: until it
// is, no limit that runs into next year can be counted, so such cases wait (docs/calendar.md).
async function nextYearNotice(h) {
  const now = new Date(Date.now() + 8 * 3600e3); // the hall's date (Beijing time)
  if (now.getUTCMonth() !== 11) return;
  const next = now.getUTCFullYear() + 1;
  const cal = await fetch('/api/v1/calendar').then((r) => (r.ok ? r.json() : null)).catch(() => null);
  if (!cal || cal.years.includes(next)) return;
  h.append(el('div', { class: 'notice', id: 'calendar-notice' },
    `${next}年节假日安排尚未导入：期限跨入${next}年的办件暂无法受理或计算期限。请系统管理员导入国务院办公厅通知。`));
}

// Opens a page that needs a signed-in user: fills the header, sends a visitor to log in and
// back here, and tells a user of another seat which account the page needs (roles: the seats
// it serves; need: what to say). Resolves to the user, or null when the page stops there.
export async function page(active, { roles, need } = {}) {
  const user = await header(active);
  if (!user) {
    location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
    return null;
  }
  if (roles && !roles.includes(user.role)) {
    showError($('#error'), { message: need });
    return null;
  }
  return user;
}

// A refused form: the error above it, the field it names marked, the button free again.
export function showFormError(err, button) {
  showError($('#error'), err);
  const bad = err.field && document.querySelector(`[name="${err.field.replace(/\[\d+\].*$/, '')}"]`);
  if (bad) bad.classList.add('invalid');
  button.disabled = false;
  window.scrollTo(0, 0);
}

export function showError(box, err) {
  box.textContent = err.message + (err.field ? `（字段：${err.field}）` : '');
  box.classList.remove('hidden');
}
