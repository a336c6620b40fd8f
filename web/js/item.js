// One service item's guide page: every national element an applicant needs.
import { api } from './api.js';
import { $, el, header, showError, TYPES, LEVELS, CASE_TYPES, DEPTHS, ROLES, limitText } from './common.js';
import { plain } from './plain.js';

const FORMS = { paper: '纸质', electronic: '电子', both: '纸质或电子' };
const SOURCES = { applicant: '申请人自备', government: '政府部门核发（可共享免交）', intermediary: '中介机构出具' };
const DELIVERY = { window: '窗口领取', mail: '快递寄递', electronic: '电子送达' };
const EVERY = { district: '区政务服务中心', town: '各镇（街道）便民服务中心', village: '各村（社区）便民服务站' };

// 办理项: a main item's handlings (codes sharing its first 15 digits), or a variant's main item
async function variants(it) {
  if (it.variant_of) {
    return el('span', { id: 'main-item' }, '属于 ', el('a', { href: '/item.html?code=' + encodeURIComponent(it.variant_of) },
      it.name.replace(/（[^（）]*）$/, '')), ' 的办理项');
  }
  if (it.code.length !== 18 || !it.code.endsWith('000')) return null;
  const r = await api('GET', '/items?limit=20&q=' + encodeURIComponent(it.code.slice(0, 15)));
  const others = r.items.filter((x) => x.code !== it.code);
  if (!others.length) return null;
  return el('span', { id: 'variants' }, ...others.flatMap((x, i) => [i ? '、' : '',
    el('a', { href: '/item.html?code=' + encodeURIComponent(x.code) }, x.name.replace(it.name, '').replace(/^（|）$/g, '') || x.name)]));
}

function row(label, value) {
  return el('tr', {}, el('th', {}, label), el('td', {}, value ?? '—'));
}

async function main() {
  await header('guide');
  const code = new URLSearchParams(location.search).get('code');
  let it;
  let deptNames = {};
  let officeNames = {};
  let handlings = null;
  try {
    it = await api('GET', '/items/' + encodeURIComponent(code || ''));
    const d = await api('GET', '/departments');
    deptNames = Object.fromEntries(d.departments.map((x) => [x.code, x.name]));
    const o = await api('GET', '/offices');
    officeNames = Object.fromEntries(o.offices.map((x) => [x.code, x.name]));
    handlings = await variants(it);
  } catch (e) {
    showError($('#error'), e.status === 404 ? { message: '没有找到这个事项，它可能已停止办理。' } : e);
    return;
  }
  document.title = it.name + ' · 一窗';
  $('#name').replaceChildren(el('span', {}, it.name,
    el('span', { class: 'badge' + (it.case_type === 'instant' ? ' instant' : '') }, CASE_TYPES[it.case_type]),
    plain(CASE_TYPES[it.case_type]),
    it.status === 'retired' ? el('span', { class: 'badge retired' }, '已停止办理') : null));
  const cut = it.legal_limit.unit === it.promised_limit.unit && it.legal_limit.value > 0
    ? Math.round((1 - it.promised_limit.value / it.legal_limit.value) * 100) : null;
  $('#limits').replaceChildren(
    el('div', {}, '承诺办结时限', plain('承诺办结时限'), el('br'), el('b', { id: 'promised' }, limitText(it.promised_limit, it.case_type))),
    el('div', {}, '法定办结时限', plain('法定办结时限'), el('br'), el('b', {}, limitText(it.legal_limit, 'promised')),
      cut !== null ? el('div', { class: 'muted' }, `压缩 ${cut}%`) : null),
    el('div', {}, '到办事现场次数', plain('到办事现场次数'), el('br'), el('b', { id: 'visits' }, `${it.visits} 次`)),
    el('div', {}, '网上办理深度', plain('网上办理深度'), el('br'), el('b', {}, DEPTHS[it.online_depth]), el('div', { id: 'depth-plain' }, plain(DEPTHS[it.online_depth]))));
  const ap = it.approval || {};
  $('#basic').replaceChildren(
    row('实施编码', it.code), row('基本编码', it.basic_code), row('实施主体', it.department_name),
    row('事项类型', TYPES[it.type] || it.type), row('行使层级', LEVELS[it.level]),
    row('办件类型', CASE_TYPES[it.case_type]),
    row('审批层级', ap.levels !== undefined ? `${ap.levels} 级（原 ${ap.levels_before ?? ap.levels} 级）` : null),
    row('审批签字', ap.signatures !== undefined ? `${ap.signatures} 人次（原 ${ap.signatures_before ?? ap.signatures} 人次）` : null),
    row('送达方式', (it.delivery || []).map((d) => DELIVERY[d] || d).join('、') || '窗口领取'),
    row('办理项', handlings),
    row('关键词', it.keywords || null));
  $('#materials tbody').replaceChildren(...((it.materials || []).length ? [] : [el('tr', { class: 'empty-row' }, el('td', { colspan: 7, class: 'muted' }, '本事项无需提交申请材料。'))]),
    ...(it.materials || []).map((m, i) => el('tr', {},
    el('td', {}, String(i + 1)), el('td', {}, m.name),
    el('td', {}, m.required ? '必要' : (m.condition ? '容缺/按情形提交' : '非必要')),
    el('td', {}, FORMS[m.form] || '—'), el('td', {}, SOURCES[m.source] || '—'),
    el('td', {}, m.copies !== undefined ? String(m.copies) : '—'),
    el('td', {}, m.condition || m.note || ''))));
  const fees = it.fees || [];
  $('#fees').replaceChildren(fees.length
    ? el('ul', {}, fees.map((f) => el('li', {}, `${f.name}：${f.waived ? '免收' : f.amount + ' 元'}`, f.basis ? el('span', { class: 'muted' }, `（${f.basis}）`) : null)))
    : '不收费');
  $('#conditions').textContent = it.conditions || '—';
  $('#steps tbody').replaceChildren(...((it.steps || []).length
    ? it.steps.map((s) => el('tr', {}, el('td', {}, s.name), el('td', {}, deptNames[s.department] || s.department), el('td', {}, ROLES[s.role] || s.role)))
    : [el('tr', {}, el('td', { colspan: '3' }, '窗口受理后即时办结'))]));
  $('#where').replaceChildren(row('办理地点', it.where),
    row('可办理网点', it.offices ? el('span', { id: 'places' }, `${it.offices.length} 处：` + it.offices.map((c) => officeNames[c] || c).join('、')) : EVERY[it.level]), row('办理时间', it.when), row('咨询电话', it.phone));
  $('#basis').textContent = it.legal_basis || '—';
  if (it.status === 'active' && it.online_depth >= 3) {
    $('#apply').replaceChildren(el('a', { class: 'button', id: 'apply-link', href: '/apply.html?item=' + encodeURIComponent(it.code) }, '在线申办'),
      el('span', { class: 'muted' }, it.commitment ? '  本事项实行告知承诺制，承诺后当场办结' : '  网上提交，窗口受理，结果可邮寄或电子送达'));
  }
  $('#item').classList.remove('hidden');
}

main();
