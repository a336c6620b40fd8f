// What the hall's pages share: labels and the live stream of hall events.
export const TICKET_STATES = {
  waiting: '等候中', called: '已叫号，请前往窗口', serving: '办理中', done: '已办结', missed: '已过号', expired: '已过期',
};
export const PRIORITIES = { green: '绿色通道', appointment: '预约', normal: '普通' };

// The estimated wait; with no window open there is nothing to estimate from.
export function waitText(s, openWindows) {
  if (s === undefined || s === null) return '';
  if (openWindows === 0) return '预计等候 —（暂无窗口办理）';
  if (s < 60) return '即将叫号';
  return `约 ${Math.round(s / 60)} 分钟`;
}

// Follows the hall's events (a floor, a zone, or all); EventSource reconnects
// by itself and sends Last-Event-ID, so no call is lost across a dropped connection.
export function follow(query, onEvent) {
  const es = new EventSource('/api/v1/hall/events' + (query ? '?' + query : ''));
  es.addEventListener('hall', (m) => onEvent(JSON.parse(m.data), m.lastEventId));
  return es;
}

// Reads text aloud in Chinese (the browser's speech synthesis), stopping what it was saying.
export function sayAloud(text) {
  if (!('speechSynthesis' in window) || !text) return;
  window.speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.lang = 'zh-CN';
  u.rate = 0.85;
  window.speechSynthesis.speak(u);
}
