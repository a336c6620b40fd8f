// Login for every seat; afterwards back to where the person came from.
import { login } from './api.js';
import { $, header, showError } from './common.js';

// Where to go after logging in: a page of this site only, never an open redirect. The
// browser's own URL parser decides (it reads "/\evil.example" and "/\t/evil.example" as
// other hosts), and only its path, query and fragment are kept.
function safeNext() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  try {
    const url = new URL(next, location.origin);
    if (url.origin === location.origin && next.startsWith('/')) return url.pathname + url.search + url.hash;
  } catch { /* not a URL at all */ }
  return '/';
}

async function main() {
  await header('login');
  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('#error');
    err.classList.add('hidden');
    $('#submit').disabled = true;
    try {
      const user = await login($('#username').value.trim(), $('#password').value);
      const next = safeNext();
      location.href = next === '/' && user.role === 'admin' ? '/admin/items.html' : next;
    } catch (e) {
      showError(err, e.status === 401 ? { message: '用户名或密码不正确' }
        : e.status === 429 ? { message: '登录失败次数过多，请稍后再试' } : e);
      $('#submit').disabled = false;
    }
  });
}

main();
