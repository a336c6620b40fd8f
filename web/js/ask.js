// 智能导服: ask in your own words (POST /guide/ask; the question goes in the body, never the
// address bar). Each answer quotes the item's own elements — what to bring, how long, how far
// online, where in the hall — with why it was chosen, and links to apply or to take a ticket.
// When nothing fits, the guide says so and offers a person at the guidance desk.
import { api } from './api.js';
import { el, showError, limitText } from './common.js';

const KIND_WORDS = { process: '一件事', item: '事项' };

function where(a) {
  const c = a.category;
  return c ? `${c.floor}楼 ${c.zone} · ${c.code} ${c.name}` : (a.where || '');
}

// The matched pairs as the words they make in the question ("营业""业执""执照" → 营业执照), then
// the catalog words a synonym brought in that the question does not hold.
function whyWords(question, matched) {
  const marked = new Array(question.length).fill(false);
  const extra = [];
  for (const m of matched) {
    let at = question.indexOf(m.text), found = false;
    for (; at >= 0; at = question.indexOf(m.text, at + 1)) {
      found = true;
      for (let k = 0; k < m.text.length; k++) marked[at + k] = true;
    }
    if (!found && !extra.includes(m.text)) extra.push(m.text);
  }
  const words = [];
  let run = '';
  for (let k = 0; k <= question.length; k++) {
    if (k < question.length && marked[k]) run += question[k];
    else if (run) { words.push(run); run = ''; }
  }
  return { words, extra };
}

function answerCard(a, i, opts, question) {
  const isProcess = a.kind === 'process';
  const guideHref = isProcess ? '/things.html?code=' + encodeURIComponent(a.code) : '/item.html?code=' + encodeURIComponent(a.code);
  const applyHref = isProcess ? guideHref : '/apply.html?item=' + encodeURIComponent(a.code);
  const required = (a.materials || []).filter((m) => m.required).map((m) => m.name);
  const limit = limitText(a.promised_limit, a.case_type);
  return el('article', { class: 'answer card', 'data-code': a.code, 'aria-labelledby': `answer-${i}` },
    el('h3', { id: `answer-${i}` }, el('span', { class: 'badge' }, KIND_WORDS[a.kind]), ' ',
      el('a', { href: guideHref }, a.name)),
    el('dl', { class: 'answer-facts' },
      a.department ? [el('dt', {}, '办理部门'), el('dd', {}, a.department)] : null,
      el('dt', {}, '办多久'), el('dd', { class: 'limit' }, `承诺${limit}`),
      a.online_depth ? [el('dt', {}, '能否网上办'), el('dd', { class: 'online' }, a.fully_online ? '可全程网上办理，不用跑腿' : '可网上申请，需到现场')] : null,
      isProcess && a.parts ? [el('dt', {}, '一次办好'), el('dd', {}, a.parts.join('、'))] : null,
      required.length ? [el('dt', {}, '要带的材料'), el('dd', { class: 'materials' }, required.join('；'))] : null,
      where(a) ? [el('dt', {}, '到哪里办'), el('dd', { class: 'where' }, where(a))] : null),
    whyLine(whyWords(question, a.matched)),
    el('p', { class: 'answer-actions' },
      el('a', { class: 'button', href: applyHref, 'data-action': 'apply' }, isProcess ? '了解并申办' : '在线申办'), ' ',
      el('a', { class: 'button secondary', href: guideHref }, '查看办事指南'), ' ',
      opts.onTicket && a.category ? el('button', { type: 'button', class: 'secondary', 'data-action': 'ticket', onclick: () => opts.onTicket(a.category.code) }, `取号（${a.category.code} ${a.category.name}）`) : null));
}

function whyLine({ words, extra }) {
  return el('p', { class: 'muted why' }, '为什么推荐：',
    words.length ? `您说的“${words.join('”“')}”与它相符` : '',
    extra.length ? `${words.length ? '；' : ''}按同义词对应“${extra.join('”“')}”` : '');
}

function deskCard(r, opts) {
  const d = r.desk;
  return el('div', { class: 'card answer-none', id: 'ask-none', role: 'status' },
    el('p', {}, '抱歉，没有找到和您的问题对应的事项。换个说法试试，比如说说您要办的事、遇到的情况。'),
    d ? el('p', {}, `也可以请工作人员帮您：到 ${d.category} ${d.name} 窗口咨询。`,
      opts.onTicket ? el('button', { type: 'button', id: 'ask-person', onclick: () => opts.onTicket(d.category) }, '问工作人员（取号）') : null) : null);
}

// Renders the box into root. opts.channel: web, kiosk, phone or terminal; opts.onTicket(category):
// take a ticket (the kiosk).
export function askBox(root, opts = {}) {
  const input = el('input', { id: 'ask-q', type: 'search', maxlength: '100', autocomplete: 'off', placeholder: '比如：开个饭店要办什么？营业执照丢了怎么办？' });
  const out = el('div', { id: 'ask-answers', 'aria-live': 'polite' });
  const error = el('div', { class: 'error hidden', id: 'ask-error' });
  const form = el('form', { class: 'search ask', id: 'ask-form', role: 'search', 'aria-label': '智能导服' },
    el('label', { for: 'ask-q' }, '用您自己的话问一问'), input, el('button', { type: 'submit' }, '问一问'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    error.classList.add('hidden');
    if (!q) { input.focus(); return; }
    try {
      const r = await api('POST', '/guide/ask', { q, channel: opts.channel || 'web' });
      out.replaceChildren(...(r.answered
        ? [el('p', { class: 'muted', id: 'ask-summary' }, `为您找到 ${r.answers.length} 项：`), ...r.answers.map((a, i) => answerCard(a, i, opts, r.question))]
        : [deskCard(r, opts)]));
      out.dataset.asked = q; // the answer on screen is this question's
    } catch (e) { showError(error, e); }
  });
  root.replaceChildren(form, error, out);
  return { form, input, out };
}
