// The applicant's online application: the item's form, its materials, how
// the result is delivered, and (for commitment-based items) the commitment.
import { api } from './api.js';
import { $, el, showError, showFormError, page } from './common.js';
import { DELIVERY } from './case-view.js';
import { formFields, materialChecklist } from './form-fields.js';

async function main() {
  const user = await page('my', { roles: ['applicant'], need: '在线申办需以申请人账号登录。' });
  const code = new URLSearchParams(location.search).get('item') || '';
  if (!user) return;
  let item;
  try {
    item = await api('GET', '/items/' + encodeURIComponent(code));
  } catch (e) {
    showError($('#error'), e.status === 404 ? { message: '没有找到这个事项。' } : e);
    return;
  }
  $('#back').href = '/item.html?code=' + encodeURIComponent(code);
  $('#title').textContent = `在线申办：${item.name}`;
  const f = formFields(item);
  // the applicant's certificates that stand for this item's materials (免提交)
  const reusable = {};
  try {
    for (const x of (await api('GET', `/certificates/reusable?item=${encodeURIComponent(code)}`)).materials) reusable[x.id] = x.certificates;
  } catch { /* none: every material is a file */ }
  const m = materialChecklist(item, reusable);
  $('#fields').replaceChildren(f.node);
  $('#materials').replaceChildren(m.node);
  $('#delivery-mode').replaceChildren(...(item.delivery || ['window']).map((k) => el('option', { value: k }, DELIVERY[k])));
  if (item.commitment) $('#commitment-box').classList.remove('hidden');
  $('#apply-form').classList.remove('hidden');
  $('#apply-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#submit').disabled = true;
    document.querySelectorAll('.invalid').forEach((x) => x.classList.remove('invalid'));
    try {
      const body = { item: code, channel: 'online', form: f.values(), materials: await m.materials() };
      const mode = $('#delivery-mode').value;
      body.delivery = { mode };
      if (mode === 'mail') body.delivery.address = $('#delivery-address').value;
      if (item.commitment) body.commitment = $('#commitment').checked;
      const c = await api('POST', '/cases', body);
      location.href = '/case.html?no=' + c.no;
    } catch (e) {
      showFormError(e, $('#submit'));
    }
  });
}

main();
