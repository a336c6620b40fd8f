// What the 好差评 pages share: the five levels (5 非常满意 … 1 非常不满意; 2 and 1 are bad),
// the channels, a bad review's reasons, the visit's seven dimensions, an order's states.
// The server holds the same lists (core/review/rules.c); these are their labels.
import { api } from './api.js';
import { el } from './common.js';

export const LEVELS = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
export const CHANNELS = {
  web: '网上评价', qr: '扫码评价', sms: '短信评价', eticket: '电子号票', device: '窗口评价器',
  counter: '吐槽找茬窗口', box: '意见箱', hotline: '投诉电话',
};
export const REASONS = {
  attitude: '服务态度差', slow: '办事效率低、超时办理', repeat_visits: '多次跑动、重复提交材料',
  unclear_guide: '办事指南不清楚、不准确', system: '系统操作不便、故障', fees: '违规收费、吃拿卡要',
  queue: '排队等候时间长', other: '其他',
};
export const DIMENSIONS = {
  staffing: '人员到位', windows: '窗口设置', concentration: '事项集中', handling: '规范办件',
  online_hall: '网厅运行', policy: '政策落实', etiquette: '服务礼仪',
};
export const ORDER_STATES = {
  verifying: '待回访核实', rectifying: '整改中', reported: '待评价整改', closed: '已办结',
  appealed: '申诉中', annulled: '申诉成立（不计入）',
};
export const KINDS = { immediate: '立行立改', deadline: '限期整改', explain: '解释说明' };
export const RERATINGS = { 3: '满意', 2: '基本满意', 1: '不满意' };

export const bad = (level) => level <= 2;
export const rateText = (x) => (x.rate === null || x.rate === undefined ? '—' : `${x.rate.toFixed(1)}%`);
export const reasonsText = (list) => (list || []).map((r) => REASONS[r] || r).join('、');

// The five level buttons, best first, none chosen in advance (rating is voluntary and no
// screen presses for a good one). onPick(level) on a tap.
export function levelButtons(onPick, { big = false } = {}) {
  const box = el('div', { class: 'levels' + (big ? ' big' : ''), role: 'radiogroup', 'aria-label': '评价等级' });
  for (const level of [5, 4, 3, 2, 1]) {
    box.append(el('button', {
      type: 'button', class: `level level-${level}`, 'data-level': level, role: 'radio', 'aria-checked': 'false',
      onclick: (e) => {
        for (const b of box.querySelectorAll('button')) b.setAttribute('aria-checked', String(b === e.currentTarget));
        onPick(level);
      },
    }, LEVELS[level]));
  }
  return box;
}

// Reason check boxes (name="reasons"), for a bad review.
export function reasonBoxes(list) {
  return el('div', { class: 'reasons' }, list.map((r) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'reasons', value: r.code }), r.name)));
}
export const checkedReasons = (root) => [...root.querySelectorAll('input[name="reasons"]:checked')].map((i) => i.value);

// Under a case or run that has ended: the applicant's link to rate it on the web; for the
// window, its QR code (to print or show: whoever holds it rates that service once).
export function reviewBox(kind, no, user) {
  if (!user) return null;
  if (user.role === 'applicant') {
    return el('p', { class: 'review-link' }, el('a', { class: 'button secondary', id: 'rate-link', href: `/review.html?${kind}=${encodeURIComponent(no)}` }, '评价本次服务'),
      el('span', { class: 'muted' }, '  评价自愿，不影响办理结果。'));
  }
  if (!['clerk', 'supervisor', 'admin'].includes(user.role)) return null;
  const box = el('div', { class: 'review-qr' });
  box.append(el('button', { type: 'button', class: 'secondary', id: 'rate-qr', onclick: async (e) => {
    e.target.disabled = true;
    try {
      const r = await api('GET', `/reviews/link?${kind}=${encodeURIComponent(no)}`);
      const svg = new DOMParser().parseFromString(r.qr_svg, 'image/svg+xml').documentElement;
      box.replaceChildren(document.importNode(svg, true), el('p', { class: 'muted' }, '请申请人扫码评价（每项服务只能评价一次）。'),
        el('input', { readonly: '', value: r.url, class: 'wide', id: 'rate-url' }));
    } catch (err) { box.append(el('p', { class: 'error' }, err.message)); }
  } }, '评价二维码'));
  return box;
}
