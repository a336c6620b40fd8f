// 纳税服务: the tax items' non-contact status and the indicators summed from their own data.
import { api } from './api.js';
import { $, el, header, showError } from './common.js';

async function main() {
  await header('tax');
  const t = await api('GET', '/tax/indicators');
  const figs = [['非接触式办理事项', `${t.non_contact}/${t.count}`], ['纳税次数（次/年）', `${t.payments.before} → ${t.payments.after}`],
    ['纳税时间（小时/年）', `${t.hours.before} → ${t.hours.after}`]];
  $('#figures').replaceChildren(...figs.map(([k, v]) => el('div', { class: 'figure' }, el('b', {}, v), el('span', {}, k))));
  $('#items tbody').replaceChildren(...t.items.map((x) => el('tr', { 'data-code': x.code },
    el('td', {}, el('a', { href: `/item.html?code=${x.code}` }, x.name)), el('td', {}, `${x.online_depth}级`),
    el('td', {}, x.non_contact ? '是' : '否'),
    el('td', {}, x.filing ? `${x.payments.before} → ${x.payments.after}` : '—'),
    el('td', {}, x.filing ? `${x.hours.before} → ${x.hours.after}` : '—'), el('td', {}, x.relief || ''))));
}

main().catch((e) => showError($('#error'), e));
