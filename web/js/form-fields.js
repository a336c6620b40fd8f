// An item's form fields and material checklist as controls, for the
// applicant's application and the window's walk-in case.
import { upload } from './api.js';
import { el } from './common.js';

const INPUT_TYPES = { number: 'number', date: 'date', phone: 'tel' };

// Controls for item.form; values() reads them as the API's "form" object.
export function formFields(item) {
  const controls = (item.form || []).map((f) => {
    let c;
    const id = `ff-${f.name}`;
    if (f.type === 'select') c = el('select', { id, name: `form.${f.name}` }, el('option', { value: '' }, '请选择'), (f.options || []).map((o) => el('option', { value: o }, o)));
    else if (f.type === 'textarea') c = el('textarea', { id, name: `form.${f.name}` });
    else c = el('input', { id, name: `form.${f.name}`, type: INPUT_TYPES[f.type] || 'text', required: f.required || null, pattern: f.pattern || null });
    return [f, c];
  });
  const node = el('div', { class: 'grid2' }, controls.map(([f, c]) =>
    el('div', {}, el('label', { for: c.id }, f.label, f.required ? el('span', { class: 'req' }, ' *') : null), c)));
  const values = () => {
    const out = {};
    for (const [f, c] of controls) {
      if (c.value === '') continue;
      out[f.name] = f.type === 'number' ? Number(c.value) : c.value;
    }
    return out;
  };
  return { node, values };
}

// A checklist of item.materials with a file for each; materials() uploads the chosen files.
// reusable: {material id: [certificates]} the applicant holds that stand for it (免提交); a
// ticked certificate is the applicant's consent and is sent instead of a file.
export function materialChecklist(item, reusable = {}) {
  const rows = (item.materials || []).map((m) => {
    const file = el('input', { type: 'file', name: `material.${m.id}`, 'data-material': m.id, 'aria-label': `${m.name}：上传文件`, accept: '.pdf,.jpg,.jpeg,.png,.ofd' });
    const certs = reusable[m.id] || [];
    const pick = certs.length ? el('select', { name: `certificate.${m.id}`, 'data-certificate-for': m.id, 'aria-label': `${m.name}：使用电子证照` },
      el('option', { value: '' }, '上传文件'),
      certs.map((c, i) => el('option', { value: c.id, selected: i === 0 }, `使用电子证照（免提交）：${c.name} ${c.number}`))) : null;
    return [m, file, el('tr', {}, el('td', {}, m.name, m.condition ? el('div', { class: 'muted' }, m.condition) : null),
      el('td', {}, m.required ? '必要' : '非必要'), el('td', {}, pick, pick ? el('br') : null, file)), pick];
  });
  const node = el('table', { class: 'list checklist' },
    el('thead', {}, el('tr', {}, el('th', {}, '材料'), el('th', {}, '必要性'), el('th', {}, '文件（PDF、JPG、PNG、OFD）'))),
    el('tbody', {}, rows.length ? rows.map((r) => r[2])
      : el('tr', { class: 'empty-row' }, el('td', { colspan: 3, class: 'muted' }, '本事项无需提交申请材料。'))));
  const materials = async () => {
    const out = [];
    for (const [m, file, , pick] of rows) {
      if (pick && pick.value) { out.push({ id: m.id, certificate: pick.value }); continue; }
      if (!file.files.length) continue;
      const u = await upload(file.files[0], item.code);
      out.push({ id: m.id, sha256: u.sha256 });
    }
    return out;
  };
  return { node, materials };
}
