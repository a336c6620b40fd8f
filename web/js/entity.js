// A market entity's public page: what its credit QR code on the shop door opens.
import { api } from './api.js';
import { $, el, header, showError } from './common.js';
import { sigOk, unbase64 } from './signed.js';
import { CLASSES, departmentNames, joinDepartments } from './spotcheck-common.js';

// The signed code a scan brought (#q=payload.signature.kid), checked against the trust list.
async function checkCode(code) {
  const q = new URLSearchParams(location.hash.slice(1)).get('q');
  if (!q) return;
  const [payload, sig, kid] = q.split('.');
  let ok = false;
  let data = {};
  try {
    const bytes = unbase64(payload);
    const text = new TextDecoder().decode(bytes);
    data = JSON.parse(text);
    const trust = await api('GET', '/certificates/trust');
    const key = trust.keys.find((k) => k.kid === kid);
    ok = Boolean(key) && key.owner === data.issuer && sigOk(text, unbase64(sig), key) && data.code === code;
  } catch {
    ok = false;
  }
  $('#qr-card').classList.remove('hidden');
  $('#qr-verdict').textContent = ok ? '信用二维码真实有效' : '信用二维码无法验证';
  $('#qr-verdict').className = ok ? 'ok' : 'error';
  $('#qr-why').textContent = ok ? `由${data.issuer_name}于 ${data.issued} 签发（国密 SM2 签名已在本机验证）。以下为该企业当前的信用信息。`
    : '二维码的签名与企业信息不符，可能不是本区市场监管部门签发的，请向市场监管部门反映。';
}

async function main() {
  const user = await header('spotcheck');
  const code = new URLSearchParams(location.search).get('code') || '';
  const [r, n] = await Promise.all([api('GET', `/market-entities/${encodeURIComponent(code)}`), departmentNames()]);
  const e = r.entity;
  $('#name').textContent = e.name;
  document.title = `${e.name} · 企业信用信息 · 一窗`;
  const facts = [['统一社会信用代码', e.credit_code], ['类型', e.type], ['行业', e.industry], ['区域', e.region],
    ['信用风险分类', CLASSES[e.class] || e.class], ['经营状态', e.state === 'active' ? '存续' : '注销'],
    ['经营异常名录', e.abnormal ? '列入' : '未列入'], ['严重违法失信名单', e.serious ? '列入' : '未列入']];
  $('#facts').replaceChildren(...facts.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', { id: k === '信用风险分类' ? 'class' : null }, v))));
  $('#licences tbody').replaceChildren(...r.licences.map((c) => el('tr', {},
    el('td', {}, c.name), el('td', {}, c.number), el('td', {}, c.valid_until),
    el('td', {}, c.state === 'issued' ? '有效' : c.state === 'revoked' ? '已注销' : '已换发'))));
  $('#results tbody').replaceChildren(...r.results.map((x) => el('tr', {},
    el('td', {}, joinDepartments(x.departments, n)), el('td', {}, x.type), el('td', {}, x.inspected_on), el('td', {}, x.result_name))));
  for (const id of ['#card', '#licences-card', '#results-card']) $(id).classList.remove('hidden');
  await checkCode(e.credit_code);
  // a regulator signs the code and prints it for the shop's door
  if (user && ['approver', 'supervisor', 'admin'].includes(user.role)) {
    $('#staff-actions').classList.remove('hidden');
    const poster = $('#poster-link');
    poster.href = '/poster.html?code=' + encodeURIComponent(e.credit_code);
    poster.classList.toggle('hidden', !e.credit_issued);
    $('#issue-code').addEventListener('click', async () => {
      try {
        await api('POST', `/market-entities/${encodeURIComponent(e.credit_code)}/credit-code`, { department: user.role === 'approver' ? user.department : 'scjg' });
        poster.classList.remove('hidden');
      } catch (x) {
        showError($('#error'), x);
      }
    });
  }
}

main().catch((e) => showError($('#error'), e));
