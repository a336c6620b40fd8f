// One case, for whoever may see it (the applicant's own case page).
import { $, showError, page } from './common.js';
import { showCase } from './case-view.js';

async function main() {
  const user = await page('my');
  if (!user) return;
  const no = new URLSearchParams(location.search).get('no') || '';
  if (user.role !== 'applicant') $('#back').href = { clerk: '/window.html', approver: '/inbox.html', supervisor: '/board.html' }[user.role] || '/';
  try {
    await showCase($('#case'), no, user);
  } catch (e) {
    showError($('#error'), e.status === 404 ? { message: '没有找到这个办件。' } : e);
  }
}

main();
