// The display board (叫号显示屏) of a floor or zone: every window's current
// call and the latest calls, live over Server-Sent Events, announced in
// Chinese by the browser's speech synthesis and shown as a caption (for those who cannot hear
// it, whether or not the voice is on).
import { api } from './api.js';
import { $, el } from './common.js';

const q = new URLSearchParams(location.search);
const floor = q.get('floor');
const zone = q.get('zone');
let voice = false;

function speak(text) {
  if (!voice || !('speechSynthesis' in window)) return;
  const u = new SpeechSynthesisUtterance(text);
  u.lang = 'zh-CN';
  u.rate = 0.9;
  window.speechSynthesis.speak(u);
}

function tick() {
  $('#clock').textContent = new Date().toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

async function main() {
  const hall = await api('GET', '/hall');
  const zoneName = Object.fromEntries(hall.zones.map((z) => [z.code, z.name]));
  $('#board-title').textContent = zone ? `${zoneName[zone] || zone} 叫号` : floor ? `${floor} 楼叫号` : '大厅叫号';
  const wins = hall.windows.filter((w) => (!floor || String(w.floor) === floor) && (!zone || w.zone === zone));
  const cells = new Map(wins.map((w) => [w.no, el('div', { class: 'board-window' + (w.current ? ' busy' : ''), 'data-window': w.no },
    el('span', { class: 'no' }, `${w.no} 号窗口`), el('b', { class: 'ticket' }, w.current || '—'))]));
  $('#windows').replaceChildren(...(cells.size ? cells.values()
    : [el('p', { class: 'board-empty', id: 'no-windows' }, zone || floor ? '此区域暂无服务窗口。' : '暂无服务窗口。')]));
  $('#calls').replaceChildren(el('li', { class: 'board-empty', id: 'no-calls' }, '暂无叫号'));
  $('#voice').addEventListener('click', () => {
    voice = !voice;
    $('#voice').textContent = voice ? '关闭语音播报' : '开启语音播报';
    if (voice) speak('语音播报已开启');
  });
  tick();
  setInterval(tick, 1000);
  const params = new URLSearchParams();
  if (floor) params.set('floor', floor);
  if (zone) params.set('zone', zone);
  const es = new EventSource('/api/v1/hall/events?' + params);
  es.addEventListener('hall', (m) => {
    const ev = JSON.parse(m.data);
    const p = ev.payload;
    const cell = cells.get(p.window);
    if (p.type === 'call' || p.type === 'recall') {
      if (cell) {
        cell.querySelector('.ticket').textContent = p.number;
        cell.classList.add('busy', 'flash');
        setTimeout(() => cell.classList.remove('flash'), 3000);
      }
      $('#no-calls')?.remove();
      $('#calls').prepend(el('li', { 'data-event': ev.id, 'data-ticket': p.number },
        el('b', {}, p.number), ` → ${p.window} 号窗口`, el('time', {}, ' ' + p.at.slice(11, 19)), p.type === 'recall' ? '（重呼）' : ''));
      while ($('#calls').children.length > 12) $('#calls').lastChild.remove();
      $('#announce').textContent = p.text;
      speak(p.text);
    } else if (cell && (p.type === 'finish' || p.type === 'no_show' || p.type === 'sign_out')) {
      cell.querySelector('.ticket').textContent = '—';
      cell.classList.remove('busy');
    }
  });
}

main();
