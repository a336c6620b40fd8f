// Debian's Chromium, headless, driven by playwright-core. Flags keep it off
// the network (this machine has none) and fit running as root.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD, ROOT } from '../api/helper.mjs';

export const SHOTS = join(ROOT, 'build', 'e2e-screenshots');

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'yc-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'zh-CN',
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
  });
  return context;
}

// A page that records console errors and failed requests (a CSP violation is one).
export async function newPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  return page;
}

// Logs a demo account in through the login page of the server at base.
export async function logIn(page, base, username) {
  await page.goto(base + '/login.html');
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('#submit');
  await page.waitForURL((u) => !u.pathname.endsWith('/login.html'));
}

// axe-core's serious and critical violations on the page as it stands, as "rule (impact):
// targets" lines. axe is evaluated through the debugging protocol, so the page keeps its CSP.
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export async function axeViolations(page) {
  if (!await page.evaluate(() => 'axe' in window)) await page.evaluate(AXE);
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`));
}
