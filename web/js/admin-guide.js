// 智能导服 for the overseers: the questions it could not answer (masked, most asked first),
// and the synonym table — colloquial phrase = the catalog's words — edited as lines and saved
// whole (the admin; a bad line refuses the table and is named). The ask box tries it at once.
import { api } from './api.js';
import { $, el, page, showError } from './common.js';
import { askBox } from './ask.js';

const CHANNELS = { web: '网站', kiosk: '自助取号机', phone: '手机', terminal: '24小时自助终端' };

function toLines(list) { return list.map((s) => `${s.phrase}=${s.terms}`).join('\n'); }

// The lines back as rows; a line without "=" keeps its text so the server names its row.
function fromLines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf('=');
    return i < 0 ? { phrase: l, terms: '' } : { phrase: l.slice(0, i).trim(), terms: l.slice(i + 1).trim() };
  });
}

async function unanswered() {
  const r = await api('GET', '/guide/unanswered?limit=200');
  $('#unanswered-summary').textContent = `共 ${r.total} 个问题，被问 ${r.asked} 次。可为常见的说法添加同义词，或补充事项。`;
  $('#unanswered tbody').replaceChildren(...r.questions.map((q) => el('tr', {},
    el('td', {}, q.question), el('td', {}, CHANNELS[q.channel] || q.channel), el('td', {}, String(q.asked)),
    el('td', {}, new Date(q.last_ms).toLocaleString('zh-CN', { hour12: false })))));
}

async function main() {
  const user = await page('guide-admin', { roles: ['supervisor', 'admin'], need: '需要效能监察或系统管理员登录。' });
  if (!user) return;
  const text = $('#synonyms');
  const count = () => { $('#synonym-count').textContent = String(fromLines(text.value).length); };
  text.value = toLines((await api('GET', '/guide/synonyms')).synonyms);
  count();
  text.addEventListener('input', count);
  const admin = user.role === 'admin';
  text.readOnly = !admin;
  $('#save').classList.toggle('hidden', !admin);
  $('#save').addEventListener('click', async () => {
    $('#error').classList.add('hidden');
    $('#saved').textContent = '';
    const rows = fromLines(text.value);
    try {
      const r = await api('PUT', '/guide/synonyms', { synonyms: rows });
      $('#saved').textContent = `已保存 ${r.synonyms} 条。`;
    } catch (e) {
      // synonyms[i]: the i-th non-empty line, counted from 1 for people
      const m = /^synonyms\[(\d+)\]/.exec(e.field || '');
      showError($('#error'), m ? { message: `第 ${Number(m[1]) + 1} 行（${rows[Number(m[1])].phrase}）：${e.message}` } : e);
    }
  });
  askBox($('#try'), { channel: 'web' });
  await unanswered();
}

main().catch((e) => showError($('#error'), e));
