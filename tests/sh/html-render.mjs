// Render HTML reports in Debian's headless Chromium through Playwright and
// fail on anything a self-contained, script-free page must not do: a
// console message of type error or warning, a page error, or any request
// other than the file:// page itself. Used by html-render.sh.
//
// usage: node html-render.mjs OUTDIR FILE.html...
// env:   MD_NODE_DIR  folder whose node_modules holds playwright-core
//        MD_CHROMIUM  the browser (default /usr/bin/chromium)
// Per FILE: OUTDIR/NAME.png (1280 wide, whole page), NAME-narrow.png
// (390 wide) and NAME-print.png (print media). Prints one line per
// problem and exits 1 when there was any.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(resolve(process.env.MD_NODE_DIR), 'x.js'));
const { chromium } = require('playwright-core');

const [outDir, ...files] = process.argv.slice(2);
const problems = [];

async function render(context, file, width, media, png) {
    const page = await context.newPage();
    const url = pathToFileURL(resolve(file)).href;
    const name = basename(file);
    page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning')
            problems.push(`${name}: console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: page error: ${e}`));
    page.on('request', (r) => {
        if (r.url() !== url)
            problems.push(`${name}: request for ${r.url()}`);
    });
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ media });
    await page.goto(url, { waitUntil: 'load' });
    // Nothing may come late either.
    await page.waitForTimeout(300);
    // At any width the page itself must not scroll sideways; wide charts
    // and tables scroll inside their own boxes.
    const over = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 0)
        problems.push(`${name}: ${over}px wider than a ${width}px window`);
    await page.screenshot({ path: join(outDir, png), fullPage: true });
    await page.close();
}

const userData = mkdtempSync(join(tmpdir(), 'md-chromium-'));
const browser = await chromium.launchPersistentContext(userData, {
    executablePath: process.env.MD_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
});
try {
    for (const file of files) {
        const stem = basename(file).replace(/\.html$/, '');
        await render(browser, file, 1280, 'screen', `${stem}.png`);
        await render(browser, file, 390, 'screen', `${stem}-narrow.png`);
        await render(browser, file, 1280, 'print', `${stem}-print.png`);
    }
} finally {
    await browser.close();
    rmSync(userData, { recursive: true, force: true });
}
for (const p of problems)
    console.log(p);
process.exit(problems.length ? 1 : 0);
