// 外商投资准入负面清单: the editions (the one in force marked), their measures, and a check of
// an investment against the edition in force — the same check a foreign-invested business's
// registration meets (POST /negative-list/check).
import { api } from './api.js';
import { $, el, header, showError } from './common.js';

const KIND = { prohibited: '禁止', restricted: '限制' };
const VERDICT = { prohibited: '禁止投资', restricted: '限制投资', national_treatment: '国民待遇（清单以外）' };

async function showEdition(edition) {
  const e = await api('GET', '/negative-list/' + encodeURIComponent(edition));
  $('#edition-note').textContent = `${e.issued_by}，${e.effective} 起施行${e.in_force ? '（现行）' : ''}`;
  $('#measures tbody').replaceChildren(...e.measures.map((m) => el('tr', { 'data-no': `${m.no}${m.part || ''}` },
    el('td', {}, `${m.no}${m.part ? `（${m.part}）` : ''}`), el('td', {}, m.sector.replace(/^[一二三四五六七八九十]+、/, '')),
    el('td', {}, m.text), el('td', {}, el('span', { class: 'badge' + (m.kind === 'prohibited' ? ' danger' : '') }, KIND[m.kind])),
    el('td', {}, m.industries.join('、')))));
}

function showVerdict(v) {
  const box = $('#verdict');
  if (!v.edition) { box.replaceChildren(el('p', {}, '尚未载入负面清单。')); return; }
  box.replaceChildren(
    el('p', { id: 'verdict-line' }, el('b', {}, VERDICT[v.verdict]), v.allowed ? '：可以按此方案申请登记。' : '：按此方案不能登记。'),
    el('p', { class: 'muted' }, `依据：${v.title}`),
    ...v.measures.map((m) => el('div', { class: 'card measure' },
      el('p', {}, `第${m.no}条（${KIND[m.kind]}，行业 ${m.industries.join('、')}）：${m.text}`),
      m.unmet.length ? el('ul', { class: 'unmet' }, ...m.unmet.map((u) => el('li', {}, `未满足：${u.requirement}`))) : el('p', {}, '条件已满足。'))));
}

async function main() {
  await header('foreign');
  const { editions } = await api('GET', '/negative-list');
  const sel = $('#edition');
  sel.replaceChildren(...editions.map((e) => el('option', { value: e.edition, selected: e.in_force }, `${e.edition}年版${e.in_force ? '（现行）' : ''}`)));
  sel.addEventListener('change', () => showEdition(sel.value).catch((e) => showError($('#error'), e)));
  if (editions.length) await showEdition(sel.value);
  $('#check-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#check-error').classList.add('hidden');
    const body = { industries: $('#c-industries').value.trim(), foreign_share: Number($('#c-share').value) };
    if ($('#c-nationality').value) body.legal_rep_nationality = $('#c-nationality').value;
    if ($('#c-largest').value) body.largest_shareholder = $('#c-largest').value;
    try { showVerdict(await api('POST', '/negative-list/check', body)); } catch (e) { showError($('#check-error'), e); }
  });
}

main().catch((e) => showError($('#error'), e));
