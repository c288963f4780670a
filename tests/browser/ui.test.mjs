// Browser test of the easel web UI: starts `easel serve` on a free loopback port, drives Debian's
// chromium headless through playwright-core (types a prompt, generates with the button and with
// Ctrl+Enter, checks the image's parameters, reads them back through the PNG-info drop zone) and
// saves a screenshot. Config from the environment (see scripts/browser-test.sh).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { chromium } from 'playwright-core';

const env = (k, d) => process.env[k] || d;
const EASEL = env('EASEL_BIN');
const MODEL = env('EASEL_TEST_MODEL');
const TOKENIZER = env('EASEL_TEST_TOKENIZER', '');
const SHOT = env('EASEL_SCREENSHOT', join(tmpdir(), 'easel-ui.png'));
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
let passed = 0, failed = 0;
const check = (cond, what) => {
  if (cond) { passed++; console.log(`ok   ${what}`); } else { failed++; console.log(`FAIL ${what}`); }
};

function startServer() {
  const args = ['serve', '--listen', '127.0.0.1:0', '--model', MODEL, '--preview-ms', '0'];
  if (TOKENIZER) args.push('--tokenizer', TOKENIZER);
  const proc = spawn(EASEL, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start in 60 s:\n' + out)), 60000);
    const onData = (d) => {
      out += d.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve({ proc, url: `http://127.0.0.1:${m[1]}/` }); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => { out += d.toString(); });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); });
  });
}

const userDir = mkdtempSync(join(tmpdir(), 'easel-chromium-'));
let server = null, ctx = null;
try {
  server = await startServer();
  console.log(`server at ${server.url}`);
  ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  ctx.setDefaultTimeout(60000);
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]');
  check((await page.locator('#model option').count()) >= 1, 'model dropdown filled from /sd-models');
  check((await page.locator('#sampler option').count()) >= 10, 'sampler list filled from /samplers');

  await page.fill('#prompt', 'a small red cube, studio light');
  await page.waitForFunction(() => document.querySelector('#prompt-tokens').textContent !== '0/75');
  const tokens = await page.textContent('#prompt-tokens');
  check(/^\d+\/75$/.test(tokens) && tokens !== '0/75', `token counter shows ${tokens}`);
  await page.fill('#negative', 'blurry');
  await page.fill('#steps', '6');
  await page.fill('#width', '64');
  await page.fill('#height', '64');
  await page.fill('#seed', '77');
  await page.selectOption('#sampler', 'Euler a');
  await page.click('#generate');
  await page.waitForSelector('#gallery img');
  const params = await page.textContent('#params');
  check(params.startsWith('a small red cube, studio light'), 'parameters start with the prompt');
  check(params.includes('Negative prompt: blurry'), 'parameters carry the negative prompt');
  for (const f of ['Steps: 6', 'Sampler: Euler a', 'Seed: 77', 'Size: 64x64', 'CFG scale: 7.0'])
    check(params.includes(f), `parameters include "${f}"`);
  const shown = await page.locator('#main-image').evaluate((img) => ({ w: img.naturalWidth, h: img.naturalHeight, vis: !img.hidden }));
  check(shown.vis && shown.w === 64 && shown.h === 64, `generated image shown (${shown.w}x${shown.h})`);

  // Ctrl+Enter with a random seed; then the recycle button takes that image's seed.
  await page.click('#seed-random');
  await page.focus('#prompt');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelectorAll('#gallery img').length === 2);
  check(true, 'Ctrl+Enter generates');
  await page.click('#seed-reuse');
  const reused = await page.inputValue('#seed');
  check(reused !== '-1' && (await page.textContent('#params')).includes(`Seed: ${reused}`), `recycle seed -> ${reused}`);

  // PNG info: feed the first image back through the drop zone and send its parameters to the form.
  const png = await page.locator('#gallery img').last().evaluate((img) => img.src.split(',')[1]);
  await page.fill('#prompt', 'something else');
  await page.setInputFiles('#png-file', { name: 'first.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  await page.waitForSelector('#png-result:not([hidden])');
  check((await page.textContent('#png-info')).includes('Seed: 77'), 'PNG info shows the dropped image\'s infotext');
  await page.click('#png-send');
  check((await page.inputValue('#prompt')) === 'a small red cube, studio light', 'PNG info sends the prompt back');
  check((await page.inputValue('#seed')) === '77', 'PNG info sends the seed back');

  // A larger image for the screenshot, so the page looks like it does in use.
  await page.fill('#width', '256');
  await page.fill('#height', '256');
  await page.fill('#steps', '20');
  await page.click('#generate');
  await page.waitForSelector('#preview:not([hidden])');  // live preview from /progress
  check(true, 'live preview shown while sampling');
  await page.waitForFunction(() => document.querySelectorAll('#gallery img').length === 3);
  check((await page.textContent('#params')).includes('Size: 256x256'), 'the newest image is shown with its parameters');
  await page.evaluate(() => { document.activeElement.blur(); document.getElementById('toast').hidden = true; });
  await page.waitForFunction(() => !document.querySelector('#generate').disabled);
  check(await page.isDisabled('#interrupt'), 'Interrupt is disabled again when idle');
  await page.mouse.move(1300, 860);  // no hover highlight in the screenshot
  await page.waitForTimeout(600);     // let the CSS transitions (progress bar, button) settle
  mkdirSync(dirname(SHOT), { recursive: true });
  await page.screenshot({ path: SHOT, fullPage: true });
  console.log(`screenshot: ${SHOT}`);

  // Native size: /sd-models says what size each checkpoint was trained at (easel_native_size);
  // the UI takes it on load and on an explicit model change, and a refresh keeps typed sizes.
  // The served model may not say, so a second page gets two made-up checkpoints added to the
  // real list (and the option POST for them answered here; the server does not know them).
  const listed = await page.evaluate(() => fetch('/sdapi/v1/sd-models').then((r) => r.json()));
  check(listed.length >= 1 && listed.every((m) => 'easel_native_size' in m), '/sd-models items carry easel_native_size');
  const fake = (n) => ({ ...listed[0], title: `native-${n}.safetensors`, model_name: `native-${n}`, easel_native_size: n });
  const page2 = await ctx.newPage();
  page2.on('pageerror', (e) => errors.push(String(e)));
  await page2.route('**/sdapi/v1/sd-models', async (route) => {
    const resp = await route.fetch();
    route.fulfill({ response: resp, json: [...(await resp.json()), fake(96), fake(160)] });
  });
  await page2.route('**/sdapi/v1/options', async (route) => {
    if (route.request().method() === 'POST') return route.fulfill({ json: null });
    const resp = await route.fetch();
    route.fulfill({ response: resp, json: { ...(await resp.json()), sd_model_checkpoint: 'native-96.safetensors' } });
  });
  await page2.goto(server.url);
  await page2.waitForSelector('body[data-ready="1"]');
  const size = () => page2.evaluate(() => ['width', 'width-range', 'height', 'height-range'].map((id) => document.getElementById(id).value).join(','));
  check((await size()) === '96,96,96,96', `native size set on load (${await size()})`);
  await page2.fill('#width', '200');
  await Promise.all([page2.waitForResponse('**/sdapi/v1/sd-models'), page2.click('#refresh-models')]);
  await page2.waitForTimeout(300);  // loadModels fills the select after both lists arrive
  check((await page2.inputValue('#width')) === '200' && (await page2.inputValue('#height')) === '96',
        `refresh keeps the typed size (${await size()})`);
  await page2.selectOption('#model', 'native-160.safetensors');
  await page2.waitForFunction(() => document.getElementById('width').value === '160');
  check((await size()) === '160,160,160,160', `native size set on model change (${await size()})`);
  await page2.close();
  check(errors.length === 0, `no page errors ${errors.join('; ')}`);
} catch (e) {
  failed++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  if (ctx) await ctx.close().catch(() => {});
  if (server) server.proc.kill('SIGTERM');
  rmSync(userDir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
