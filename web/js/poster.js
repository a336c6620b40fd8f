// The credit QR code printed for a shop's door (信用二维码): the name, the code, the signed QR.
import { api } from './api.js';
import { $, showError } from './common.js';

async function main() {
  const code = new URLSearchParams(location.search).get('code') || '';
  const r = await api('GET', `/market-entities/${encodeURIComponent(code)}`);
  $('#name').textContent = r.entity.name;
  $('#code').textContent = `统一社会信用代码 ${r.entity.credit_code}`;
  document.title = `${r.entity.name} · 信用二维码`;
  $('#qr').src = `/api/v1/market-entities/${encodeURIComponent(code)}/qr.png`;
  $('#print').addEventListener('click', () => window.print());
}

main().catch((e) => showError($('#error'), e));
