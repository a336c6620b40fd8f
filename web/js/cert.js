// One certificate: its fields, its QR code, its file; the issuing department revokes or replaces it.
import { api } from './api.js';
import { $, el, showError, page } from './common.js';

const ID_TYPES = { 111: '居民身份证', '001': '统一社会信用代码' };

const row = (k, v) => el('tr', {}, el('th', {}, k), el('td', {}, v));

function actions(c, user, box) {
  const mayAct = ['approver', 'supervisor', 'admin'].includes(user.role) && c.state === 'issued';
  if (!mayAct) return null;
  const err = el('div', { class: 'error hidden' });
  const reason = el('input', { name: 'reason', maxlength: '200', placeholder: '原因（必填）', 'aria-label': '原因' });
  const fieldInputs = Object.entries(c.fields).map(([k, v]) => el('label', {}, k, ' ', el('input', { 'data-field': k, value: v })));
  const act = async (action, button) => {
    button.disabled = true;
    const body = { reason: reason.value.trim() };
    if (action === 'supersede') {
      body.fields = {};
      for (const i of fieldInputs.map((l) => l.querySelector('input'))) if (i.value !== c.fields[i.dataset.field]) body.fields[i.dataset.field] = i.value;
    }
    try {
      const r = await api('POST', `/certificates/${encodeURIComponent(c.id)}/actions/${action}`, body);
      location.href = '/cert.html?id=' + encodeURIComponent(r.id);
    } catch (e) {
      showError(err, e);
      button.disabled = false;
    }
  };
  const revoke = el('button', { id: 'revoke', onclick: (e) => act('revoke', e.target) }, '注销证照');
  const supersede = el('button', { id: 'supersede', onclick: (e) => act('supersede', e.target) }, '换发新版');
  return el('section', { class: 'card', id: 'cert-actions' },
    el('h3', {}, '注销或换发'),
    el('p', { class: 'muted' }, '注销后证照永久失效；换发签发同一编号的新版本，原证照显示“已换发”。核验方据签名的状态列表得知。'),
    err, reason, el('div', { class: 'cert-fields' }, fieldInputs), el('p', {}, revoke, ' ', supersede));
}

async function main() {
  const user = await page('certs');
  if (!user) return;
  const id = new URLSearchParams(location.search).get('id') || '';
  try {
    const c = await api('GET', `/certificates/${encodeURIComponent(id)}`);
    document.title = `${c.name} · 一窗`;
    const own = user.role === 'applicant';
    const facts = el('table', { class: 'kv', id: 'cert-facts' },
      row('证照名称', c.name),
      row('证照编号', `${c.number}（第${c.version}版）`),
      row('证照标识', el('code', { id: 'cert-id' }, c.id)),
      row('持证主体', c.holder),
      row('主体证件', `${ID_TYPES[c.holder_id_type] || c.holder_id_type} ${c.holder_id}`),
      ...Object.entries(c.fields).map(([k, v]) => row(k, v)),
      row('颁证单位', `${c.issuer}（${c.issuer_code}）`),
      row('颁证日期', c.issue_date),
      row('有效期至', c.valid_until),
      row('状态', el('span', { class: `state cert-${c.state}`, id: 'cert-state' }, c.state_name,
        c.changed_at ? `（${c.changed_at.slice(0, 10)}：${c.reason}）` : '')),
      c.replaced_by ? row('新版本', el('a', { href: '/cert.html?id=' + encodeURIComponent(c.replaced_by) }, c.replaced_by)) : null,
      row('来源办件', c.subject_kind === 'case' ? el('a', { href: '/case.html?no=' + c.subject }, c.subject) : c.subject),
      row('签名密钥', c.kid));
    const qr = el('figure', { class: 'cert-qr' },
      el('img', { src: `/api/v1/certificates/${encodeURIComponent(c.id)}/qr.png`, alt: '证照核验二维码', width: '180', height: '180', id: 'cert-qr' }),
      el('figcaption', {}, '扫码核验：手机相机扫描即可离线验证签名'));
    const links = el('p', {},
      el('a', { href: `/api/v1/certificates/${encodeURIComponent(c.id)}/pdf`, target: '_blank', id: 'pdf' }, '打印版（PDF）'),
      ' · ',
      own ? el('a', { href: `/api/v1/certificates/${encodeURIComponent(c.id)}/file`, download: 'certificate.json', id: 'download' }, '下载证照文件') : null,
      own ? ' · ' : null,
      el('a', { href: '/verify.html' }, '证照核验'));
    $('#cert').replaceChildren(...[el('section', { class: 'card' }, el('h2', {}, c.name), qr, facts, links), actions(c, user)].filter(Boolean));
  } catch (e) {
    showError($('#error'), e.status === 404 ? { message: '没有找到这个证照。' } : e);
  }
}

main();
