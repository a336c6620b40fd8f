// One case as every seat sees it: the facts, the materials, the notices, the
// timeline, and a button for each action the server says this caller may
// take now (c.actions), each with the few fields that action needs.
import { api, upload } from './api.js';
import { el, showError, ROLES } from './common.js';
import { reviewBox } from './review-common.js';
import { plain } from './plain.js';

export const LIGHTS = { green: '绿灯', yellow: '黄灯', red: '红灯' };
export const CHANNELS = {
  window: '窗口', online: '网上', mobile: '移动端', kiosk: '自助终端', bank: '银行网点',
  town: '镇街中心', cross_region: '跨域通办',
};
export const DELIVERY = { window: '窗口领取', mail: '快递寄递', electronic: '电子送达' };
const PROCEDURES = { hearing: '听证', inspection: '检验', testing: '检测', appraisal: '鉴定', expert_review: '专家评审' };
export const ACTIONS = {
  accept: '受理', accept_with_deficiencies: '容缺受理', request_correction: '一次性告知补正',
  refuse: '不予受理', supplement: '补充材料', withdraw: '撤回申请', assign: '指派审批人',
  claim: '认领', approve: '审核通过', return: '退回', deny: '不予许可', suspend: '特别程序',
  resume: '恢复办理', choose_delivery: '选择送达方式', deliver: '出件送达', close: '办结',
  submit: '提交申请', lapse: '补正逾期',
};
const DANGER = new Set(['refuse', 'deny', 'withdraw']);
const DOCS = {
  acceptance: '受理通知书', refusal: '不予受理通知书', correction: '补正材料通知书', deficiency: '容缺受理材料清单',
};

// Department and office names by code, loaded once per page.
const NAMES = { dept: {}, office: {} };
let namesLoaded = null;
function loadNames() {
  if (!namesLoaded) {
    namesLoaded = Promise.all([api('GET', '/departments'), api('GET', '/offices')]).then(([d, o]) => {
      for (const x of d.departments) NAMES.dept[x.code] = x.short_name || x.name;
      for (const x of o.offices) NAMES.office[x.code] = x.name;
    }).catch(() => {});
  }
  return namesLoaded;
}
const dept = (code) => NAMES.dept[code] || code;
const office = (code) => NAMES.office[code] || code;

export function lightBadge(light) {
  return light ? el('span', { class: `light ${light}` }, LIGHTS[light]) : el('span', { class: 'muted' }, '—');
}

function row(label, value) {
  return el('tr', {}, el('th', {}, label), el('td', {}, value ?? '—'));
}

function when(s) {
  return s ? s.replace('T', ' ').replace(/:\d\d(\+\d\d:\d\d)$/, '').replace(/\+\d\d:\d\d$/, '') : '—';
}

// The fields an action takes, as form controls; returns a function that reads the body.
function actionFields(c, action, box) {
  const field = (label, control) => { box.append(el('label', {}, label), control); return control; };
  const reason = (label = '理由（必填）') => field(label, el('textarea', { name: 'reason', required: true }));
  const days = () => field('期限（工作日）', el('input', { name: 'days', type: 'number', min: 1, max: 60, value: 5 }));
  const have = new Set(c.materials.map((m) => m.id));
  switch (action) {
    case 'accept_with_deficiencies': {
      const boxes = c.required_materials.filter((m) => !have.has(m.id)).map((m) =>
        el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'missing', value: m.id, checked: m.required }), m.name));
      box.append(el('p', { class: 'muted' }, '容缺的材料（申请人在期限内补交）：'), ...boxes);
      const d = days();
      return async () => ({ missing: [...box.querySelectorAll('input[name=missing]:checked')].map((i) => i.value), days: Number(d.value) });
    }
    case 'request_correction': {
      const r = reason('需补正的内容（一次性告知）');
      const d = days();
      return async () => ({ reason: r.value, days: Number(d.value) });
    }
    case 'refuse':
    case 'deny': {
      const r = reason();
      return async () => ({ reason: r.value });
    }
    case 'withdraw': {
      const r = reason('撤回理由');
      return async () => (r.value ? { reason: r.value } : {});
    }
    case 'supplement': {
      // before acceptance (补正) anything may be corrected; once accepted only what is owed
      const owed = c.state === 'correction' ? c.required_materials : c.required_materials.filter((m) => c.missing.includes(m.id));
      if (!owed.length && c.state !== 'correction' && c.state !== 'returned') box.append(el('p', { class: 'muted' }, '没有待补的材料。'));
      const inputs = owed.map((m) => field(m.name, el('input', { type: 'file', 'data-material': m.id, accept: '.pdf,.jpg,.jpeg,.png,.ofd' })));
      // when asked (补正, 退回) the form's fields may be corrected too
      const fix = c.state === 'correction' || c.state === 'returned' ? (c.form_fields || []).map((f) =>
        field(`${f.label}（更正时填写）`, el('input', { 'data-field': f.name, name: `form.${f.name}`, placeholder: c.form[f.name] == null ? '' : String(c.form[f.name]) }))) : [];
      return async () => {
        const materials = [];
        for (const i of inputs) {
          if (!i.files.length) continue;
          const u = await upload(i.files[0], c.item);
          materials.push({ id: i.dataset.material, sha256: u.sha256 });
        }
        const body = { materials };
        const form = Object.fromEntries(fix.filter((i) => i.value.trim()).map((i) => {
          const f = c.form_fields.find((x) => x.name === i.dataset.field);
          return [f.name, f.type === 'number' || f.type === 'integer' ? Number(i.value) : i.value.trim()];
        }));
        if (Object.keys(form).length) body.form = form;
        return body;
      };
    }
    case 'assign': {
      const sel = field('审批人员', el('select', { name: 'assignee' }));
      api('GET', `/users?role=approver&department=${encodeURIComponent(c.current_step ? c.current_step.department : c.department)}`)
        .then((r) => sel.replaceChildren(...r.users.map((u) => el('option', { value: u.username }, `${u.name}（${u.username}）`))))
        .catch(() => {});
      const r = reason('指派理由（必填，记入日志）');
      return async () => ({ assignee: sel.value, reason: r.value });
    }
    case 'approve': {
      const o = field('审核意见', el('textarea', { name: 'opinion' }, '同意。'));
      return async () => ({ opinion: o.value });
    }
    case 'return': {
      const to = field('退回到', el('select', { name: 'to' },
        c.current_step && c.current_step.index > 0 ? el('option', { value: 'previous' }, '上一审批环节') : null,
        el('option', { value: 'applicant' }, '申请人补充材料（暂停计时）')));
      // the applicant supplies again only what is named here; nothing named asks for the form
      const list = el('div', { class: 'stack', 'data-return-materials': '' },
        el('p', { class: 'muted' }, '需重新提交的材料（不选则只更正申请表）：'),
        c.required_materials.map((m) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'materials', value: m.id }), m.name)));
      box.append(list);
      const sync = () => list.classList.toggle('hidden', to.value !== 'applicant');
      to.addEventListener('change', sync);
      sync();
      const r = reason();
      return async () => {
        const b = { to: to.value, reason: r.value };
        if (to.value === 'applicant') b.materials = [...list.querySelectorAll('input[name=materials]:checked')].map((i) => i.value);
        return b;
      };
    }
    case 'suspend': {
      const t = field('特别程序类型', el('select', { name: 'type' },
        Object.entries(PROCEDURES).map(([k, v]) => el('option', { value: k }, v))));
      const r = reason('原因（告知申请人，期间不计入时限）');
      return async () => ({ type: t.value, reason: r.value });
    }
    case 'choose_delivery':
    case 'deliver': {
      const modes = c.delivery_modes && c.delivery_modes.length ? c.delivery_modes : Object.keys(DELIVERY);
      const chosen = c.delivery && c.delivery.mode;
      const m = field('送达方式', el('select', { name: 'mode' },
        modes.map((k) => el('option', { value: k, selected: k === chosen }, DELIVERY[k]))));
      const addr = field('邮寄地址', el('input', { name: 'address', value: (c.delivery && c.delivery.address !== '***' && c.delivery.address) || '' }));
      const track = action === 'deliver' ? field('快递单号', el('input', { name: 'tracking_no' })) : null;
      return async () => {
        const b = { mode: m.value };
        if (m.value === 'mail') {
          if (addr.value) b.address = addr.value;
          if (track && track.value) b.tracking_no = track.value;
        }
        return b;
      };
    }
    case 'close': {
      if (c.delivery && c.delivery.mode === 'window' && !('pickup_code' in c.delivery)) {
        const code = field('取件码（申请人出示）', el('input', { name: 'pickup_code', inputmode: 'numeric' }));
        return async () => ({ pickup_code: code.value });
      }
      box.append(el('p', {}, '确认结果已送达申请人。'));
      return async () => ({});
    }
    default:
      box.append(el('p', {}, `确认${ACTIONS[action] || action}？`));
      return async () => ({});
  }
}

// Renders case c into container; onChange(newCase) after an action succeeds.
export function renderCase(container, c, user, onChange) {
  const err = el('div', { class: 'error hidden', id: 'case-error' });
  const panel = el('div', { class: 'action-panel hidden', id: 'action-panel' });
  const head = el('div', { class: 'case-head' },
    el('h2', {}, c.item_name),
    el('div', { class: 'case-meta' },
      el('span', { id: 'case-no' }, `办件编号 ${c.no}`),
      el('span', { class: `state ${c.state}`, id: 'case-state' }, c.state_label),
      plain(c.state_label),
      lightBadge(c.light)));
  const step = c.current_step
    ? `${c.current_step.name}（第 ${c.current_step.index + 1}/${c.current_step.of} 环节，${dept(c.current_step.department)}${c.current_step.assignee ? '，' + c.current_step.assignee : '，待认领'}）`
    : '—';
  const facts = el('table', { class: 'kv' },
    row('申请人', `${c.applicant.name}（${c.applicant.id_number}，${c.applicant.phone}）`),
    row('申请渠道', CHANNELS[c.channel] || c.channel),
    row('受理 / 决定机构', c.accept_office === c.decide_office ? office(c.accept_office) : `${office(c.accept_office)} 受理 / ${office(c.decide_office)} 审批`),
    row('审批部门', dept(c.department)),
    row('提交时间', when(c.submitted_at)),
    row('受理时间', when(c.accepted_at)),
    row('承诺时限', c.case_type === 'instant' ? '即办' : `${c.limit.value}${c.limit.unit === 'workhour' ? '个工作小时' : '个工作日'}`),
    row('办理期限', c.deadline ? when(c.deadline) : '—'),
    row('当前环节', step),
    c.due_day ? row('补正/补交期限', c.due_day) : null,
    c.commitment ? row('告知承诺', '申请人已签署告知承诺书，受理即办结，部门事后核查') : null,
    c.delivery ? row('送达', [DELIVERY[c.delivery.mode] || c.delivery.mode,
      c.delivery.pickup_code ? el('b', { id: 'pickup-code' }, ` 取件码 ${c.delivery.pickup_code}`) : null,
      c.delivery.tracking_no ? ` 快递单号 ${c.delivery.tracking_no}` : null]) : null);
  const labels = Object.fromEntries((c.form_fields || []).map((f) => [f.name, f.label]));
  const have = new Map(c.materials.map((m) => [m.id, m]));
  const mats = el('table', { class: 'list materials' },
    el('thead', {}, el('tr', {}, el('th', {}, '材料'), el('th', {}, '必要性'), el('th', {}, '状态'))),
    el('tbody', {}, c.required_materials.length ? null : el('tr', { class: 'empty-row' }, el('td', { colspan: 3, class: 'muted' }, '本事项无需提交申请材料。')),
      c.required_materials.map((m) => el('tr', { 'data-material': m.id },
      el('td', {}, m.name),
      el('td', {}, m.required ? '必要' : '非必要'),
      el('td', {}, c.missing.includes(m.id) ? el('span', { class: 'light yellow' }, have.has(m.id) ? '退回待补' : '容缺待补')
        : have.has(m.id) && have.get(m.id).certificate ? certMaterial(have.get(m.id), user)
        : have.has(m.id) ? el('a', { href: `/api/v1/cases/${c.no}/materials/${have.get(m.id).sha256}`, target: '_blank' }, `已提交（${have.get(m.id).type.toUpperCase()}）`)
          : (m.required ? el('span', { class: 'light red' }, '缺') : '—'))))));
  const acts = new Set(c.timeline.map((e) => e.action));
  const docs = Object.entries(DOCS).filter(([k]) =>
    (k === 'acceptance' && c.accepted_at) || (k === 'refusal' && c.state === 'refused') ||
    (k === 'correction' && acts.has('request_correction')) || (k === 'deficiency' && acts.has('accept_with_deficiencies')));
  const docLinks = docs.length ? el('p', { class: 'docs' }, '文书：', docs.map(([k, v]) =>
    el('a', { class: 'doc', href: `/api/v1/cases/${c.no}/documents/${k}`, target: '_blank', 'data-doc': k }, v))) : null;
  const timeline = el('ol', { class: 'timeline' }, c.timeline.map((e) => el('li', {},
    el('time', {}, when(e.at)), ' ', el('b', {}, ACTIONS[e.action] || e.action), ' → ', e.to_label,
    e.actor ? el('span', { class: 'muted' }, `  ${e.actor}（${ROLES[e.role] || e.role}）`) : null,
    e.note ? el('div', { class: 'note' }, e.note) : null)));
  const buttons = el('div', { class: 'actions', id: 'case-actions' }, c.actions.map((a) =>
    el('button', { class: DANGER.has(a) ? 'danger' : '', 'data-action': a, onclick: () => open(a) }, ACTIONS[a] || a)));

  function open(action) {
    err.classList.add('hidden');
    const fields = el('div', { class: 'stack' });
    const read = actionFields(c, action, fields);
    const go = el('button', { type: 'submit', id: 'action-submit' }, `确认${ACTIONS[action] || action}`);
    const form = el('form', { class: 'stack', 'data-action': action }, el('h3', {}, ACTIONS[action] || action), fields,
      el('div', { class: 'actions' }, go, el('button', { type: 'button', class: 'secondary', onclick: () => panel.classList.add('hidden') }, '取消')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      go.disabled = true;
      try {
        const body = await read();
        const next = await api('POST', `/cases/${c.no}/actions/${action}`, body);
        onChange(next);
      } catch (e) {
        showError(err, e);
        if (e.field) {
          const bad = form.querySelector(`[name="${e.field}"]`) || form.querySelector(`[name="${e.field.split(/[.[]/)[0]}"]`);
          if (bad) bad.classList.add('invalid');
        }
        go.disabled = false;
      }
    });
    panel.replaceChildren(form);
    panel.classList.remove('hidden');
  }

  const ended = !['submitted', 'correction', 'accepted', 'returned', 'suspended'].includes(c.state);
  container.replaceChildren(el('div', { class: 'card case-view', 'data-no': c.no, 'data-state': c.state },
    head, err, buttons, panel, ended && !c.process_run ? reviewBox('case', c.no, user) : null,
    c.state === 'approved' || c.state === 'delivered' || c.state === 'closed' ? certBox(c.no) : null,
    el('h3', {}, '办件信息'), facts,
    el('h3', {}, '申请材料'), mats, docLinks,
    Object.keys(c.form).length ? [el('h3', {}, '申请表'), el('table', { class: 'kv' },
      Object.entries(c.form).map(([k, v]) => row(labels[k] || k, String(v))))] : null,
    el('h3', {}, '办理过程'), timeline));
}

// A material the applicant's own electronic certificate stands for (免提交), verified when filed.
function certMaterial(m, user) {
  const text = `电子证照已核验（免提交）：${m.name} ${m.number}，持证主体 ${m.holder}，有效期至 ${m.valid_until}`;
  return user.role === 'applicant' ? el('a', { class: 'cert-material', href: '/cert.html?id=' + encodeURIComponent(m.certificate) }, text)
    : el('span', { class: 'cert-material' }, text);
}

// The electronic certificate an approval issued (电子证照), filled in when it is found.
function certBox(no) {
  const box = el('p', { class: 'case-cert', id: 'case-cert' });
  api('GET', `/certificates?subject=${no}&limit=5`).then((r) => {
    const list = r.certificates.filter((x) => x.state === 'issued');
    if (list.length) box.replaceChildren('电子证照已签发：', ...list.map((x) => el('a', { href: '/cert.html?id=' + encodeURIComponent(x.id) }, `${x.name}（${x.number}）`)));
  }).catch(() => {});
  return box;
}

// Loads and renders a case; re-renders itself after each action.
export async function showCase(container, no, user, after) {
  const [c] = await Promise.all([api('GET', `/cases/${no}`), loadNames()]);
  const changed = (next) => { renderCase(container, next, user, changed); if (after) after(next); };
  renderCase(container, c, user, changed);
  return c;
}
