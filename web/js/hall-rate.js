// The window's rating device (窗口评价器): a tablet at one window, set up by its clerk with the
// window's key (#w=37&t=…, from 窗口叫号). It follows the hall's events; when this window
// finishes a ticket it asks for one tap, stores the review (channel device) and goes quiet
// again. Nothing is chosen in advance and nothing presses for a good one.
import { api, currentUser } from './api.js';
import { $, showError } from './common.js';
import { follow } from './hall-common.js';
import { REASONS, bad, checkedReasons, levelButtons, reasonBoxes } from './review-common.js';

const h = new URLSearchParams(location.hash.slice(1));
const windowNo = Number(h.get('w'));
const token = h.get('t') || '';
let ticket = null;
let timer = null;

function show(id) {
  for (const s of ['idle', 'ask', 'thanks']) $('#' + s).classList.toggle('hidden', s !== id);
}

function idle() { ticket = null; show('idle'); }

async function send(level, reasons) {
  if (!ticket) return;
  const body = { channel: 'device', ticket, level, token };
  if (reasons) body.reasons = reasons;
  try {
    await api('POST', '/reviews', body);
    clearTimeout(timer);
    show('thanks');
    ticket = null;
    timer = setTimeout(idle, 5000);
  } catch (e) {
    showError($('#error'), e.code === 'already_exists' ? { message: '本次服务已评价。' } : e);
    timer = setTimeout(() => { $('#error').classList.add('hidden'); idle(); }, 5000);
  }
}

function ask(t) {
  ticket = t.ticket;
  $('#ask-text').textContent = `${t.number} 号，请对本次服务作出评价`;
  $('#bad-box').classList.add('hidden');
  for (const b of document.querySelectorAll('#levels button')) b.setAttribute('aria-checked', 'false');
  show('ask');
  clearTimeout(timer);
  timer = setTimeout(idle, 90000); // nobody tapped: the device goes quiet again
}

async function main() {
  // a tablet signed in (or sharing a browser with the clerk's console) sends its writes
  // with the session's CSRF token; a device nobody signed in on needs none
  await currentUser().catch(() => null);
  if (!windowNo || !token) {
    showError($('#error'), { message: '评价器尚未设置：请窗口工作人员在“窗口叫号”页面打开本窗口的评价器。' });
    return;
  }
  $('#title').textContent = `${windowNo} 号窗口 · 服务评价`;
  let chosen = 0;
  $('#levels').append(levelButtons((level) => {
    chosen = level;
    if (bad(level)) $('#bad-box').classList.remove('hidden');
    else send(level);
  }, { big: true }));
  $('#reasons').append(reasonBoxes(Object.entries(REASONS).map(([code, name]) => ({ code, name }))));
  $('#send-bad').addEventListener('click', () => {
    const reasons = checkedReasons($('#reasons'));
    send(chosen, reasons.length ? reasons : ['other']);
  });
  follow('', (ev) => {
    const p = ev.payload || ev;
    if (p.type === 'finish' && p.window === windowNo) ask(p);
  });
  idle();
}

main();
