// easel web UI: talks to the A1111-compatible API (/sdapi/v1) and easel's /easel/v1 helpers.
// Plain DOM code, no build step; state lives in the form and a small gallery array.
'use strict';
const $ = (id) => document.getElementById(id);
const api = async (path, body) => {
  const opts = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const r = await fetch(path, opts);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!r.ok) {
    let msg = `${r.status}`;
    if (data && typeof data === 'object') {
      if (Array.isArray(data.detail)) msg = data.detail.map((d) => `${(d.loc || []).slice(1).join('.')}: ${d.msg}`).join('\n');
      else msg = data.errors || data.detail || msg;
    }
    throw new Error(msg);
  }
  return data;
};

let toastTimer = null;
function toast(msg, kind = 'error') {
  const t = $('toast');
  t.textContent = msg;
  t.className = 'toast' + (kind === 'info' ? ' info' : '');
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 6000);
}

// --- form <-> sliders -------------------------------------------------------------------
function linkSlider(id) {
  const num = $(id), range = $(id + '-range');
  range.addEventListener('input', () => { num.value = range.value; });
  num.addEventListener('input', () => { range.value = num.value; });
}
['steps', 'cfg', 'width', 'height'].forEach(linkSlider);
function setValue(id, v) {
  const el = $(id);
  el.value = v;
  const range = $(id + '-range');
  if (range) range.value = v;
  el.dispatchEvent(new Event('input'));
}

// --- token counters ---------------------------------------------------------------------
function tokenCounter(boxId, counterId) {
  let timer = null, seq = 0;
  const update = async () => {
    const mine = ++seq;
    try {
      const r = await api('/easel/v1/token-count', { prompt: $(boxId).value, steps: Number($('steps').value) || 20 });
      if (mine !== seq) return;
      const c = $(counterId);
      c.textContent = `${r.token_count}/${r.max_length}`;
      c.classList.toggle('over', r.max_length > 75);
    } catch (e) { /* the counter is a hint; generation reports real errors */ }
  };
  $(boxId).addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(update, 250); });
  return update;
}
const updatePromptTokens = tokenCounter('prompt', 'prompt-tokens');
const updateNegativeTokens = tokenCounter('negative', 'negative-tokens');

// --- lists from the server --------------------------------------------------------------
function fillSelect(sel, items, selected) {
  sel.innerHTML = '';
  for (const it of items) {
    const o = document.createElement('option');
    o.value = it.value; o.textContent = it.label;
    sel.appendChild(o);
  }
  if (selected !== undefined) sel.value = selected;
}
let models = [];  // the last /sd-models list
// A checkpoint that says what size it was trained at (easel_native_size, e.g. 128 for the
// built-in model) gets that as width and height; others leave the fields as they are.
function applyNativeSize(title) {
  const m = models.find((x) => x.title === title);
  const n = m && m.easel_native_size;
  if (!n) return;
  setValue('width', n);
  setValue('height', n);
}
async function loadModels() {
  const before = $('model').value;
  const [list, options] = await Promise.all([api('/sdapi/v1/sd-models'), api('/sdapi/v1/options')]);
  models = list;
  const cur = options.sd_model_checkpoint;
  fillSelect($('model'), models.map((m) => ({ value: m.title, label: m.title })), cur);
  if (!models.length) $('status').textContent = 'no checkpoint found: start easel serve with --model';
  // The size follows the model on the first load and when a reload selects another one; a
  // refresh that keeps the checkpoint keeps the sizes the user typed.
  if (!before || $('model').value !== before) applyNativeSize($('model').value);
}
async function loadLists() {
  const [samplers, schedulers] = await Promise.all([api('/sdapi/v1/samplers'), api('/sdapi/v1/schedulers')]);
  fillSelect($('sampler'), samplers.map((s) => ({ value: s.name, label: s.name })), 'DPM++ 2M');
  fillSelect($('scheduler'), schedulers.map((s) => ({ value: s.label, label: s.label })), 'Automatic');
}
$('model').addEventListener('change', async () => {
  const title = $('model').value;
  applyNativeSize(title);
  try {
    await api('/sdapi/v1/options', { sd_model_checkpoint: title });
    toast(`Checkpoint: ${title} (loads with the next image)`, 'info');
  } catch (e) { toast(e.message); loadModels(); }
});
$('refresh-models').addEventListener('click', async () => {
  try { await api('/sdapi/v1/refresh-checkpoints', {}); await loadModels(); } catch (e) { toast(e.message); }
});

// --- seed, size --------------------------------------------------------------------------
let shownSeed = null;
$('seed-random').addEventListener('click', () => { $('seed').value = -1; });
$('seed-reuse').addEventListener('click', () => { if (shownSeed !== null) $('seed').value = shownSeed; });
$('swap-size').addEventListener('click', () => {
  const w = $('width').value;
  setValue('width', $('height').value);
  setValue('height', w);
});

// --- gallery -----------------------------------------------------------------------------
const gallery = [];  // {src, infotext, seed}
let selected = -1;
function showImage(i) {
  const g = gallery[i];
  if (!g) return;
  selected = i;
  $('placeholder').hidden = true;
  $('preview').hidden = true;
  const img = $('main-image');
  img.src = g.src; img.hidden = false;
  $('params').textContent = g.infotext;
  $('params-send').disabled = false;
  const dl = $('download');
  dl.href = g.src; dl.download = `easel-${g.seed}.png`; dl.hidden = false;
  shownSeed = g.seed;
  document.querySelectorAll('#gallery img').forEach((el) => el.classList.toggle('selected', Number(el.dataset.index) === i));
}
function addImages(images, infotexts, seeds) {
  const first = gallery.length;
  images.forEach((b64, i) => {
    const entry = { src: 'data:image/png;base64,' + b64, infotext: infotexts[i] || '', seed: seeds[i] };
    gallery.push(entry);
    const el = document.createElement('img');
    el.src = entry.src; el.alt = `image ${gallery.length}`; el.title = entry.infotext;
    const k = gallery.length - 1;
    el.dataset.index = k;
    el.addEventListener('click', () => showImage(k));
    $('gallery').prepend(el);
  });
  if (images.length) showImage(first);
}

// --- progress ----------------------------------------------------------------------------
let polling = null, lastPreview = null;
function setProgress(frac, text) {
  $('progress-bar').style.width = `${Math.round(Math.max(0, Math.min(1, frac)) * 100)}%`;
  $('progress-text').textContent = text;
}
async function pollProgress() {
  try {
    const p = await api('/sdapi/v1/progress');
    const s = p.state || {};
    if (s.job_count > 0) {
      const eta = p.eta_relative > 0 ? ` · ETA ${p.eta_relative.toFixed(1)} s` : '';
      const batch = s.job_count > 1 ? ` · batch ${s.job_no + 1}/${s.job_count}` : '';
      setProgress(p.progress, `${Math.round(p.progress * 100)}% · step ${s.sampling_step}/${s.sampling_steps}${batch}${eta}`);
      if (p.current_image && p.current_image !== lastPreview) {
        lastPreview = p.current_image;
        const pv = $('preview');
        pv.src = 'data:image/png;base64,' + p.current_image;
        pv.hidden = false;
        $('main-image').hidden = true;
        $('placeholder').hidden = true;
      }
    } else if (s.queue_pending > 0) {
      setProgress(0, `waiting in queue (${s.queue_pending} ahead)`);
    }
  } catch (e) { /* transient; the generate call reports errors */ }
}

// --- generate ----------------------------------------------------------------------------
let busy = false;
function request() {
  return {
    prompt: $('prompt').value,
    negative_prompt: $('negative').value,
    sampler_name: $('sampler').value,
    scheduler: $('scheduler').value,
    steps: Number($('steps').value),
    cfg_scale: Number($('cfg').value),
    width: Number($('width').value),
    height: Number($('height').value),
    seed: Number($('seed').value),
    n_iter: Number($('n-iter').value),
    batch_size: Number($('batch-size').value),
    override_settings: $('model').value ? { sd_model_checkpoint: $('model').value } : {},
  };
}
function setBusy(on) {
  busy = on;
  const g = $('generate');
  g.classList.toggle('busy', on);
  g.firstChild.textContent = on ? 'Generating…' : 'Generate';
  g.disabled = on;
  $('interrupt').disabled = !on;
  $('skip').disabled = !on;
  $('progress').setAttribute('aria-hidden', on ? 'false' : 'true');
}
async function generate() {
  if (busy) return;
  setBusy(true);
  lastPreview = null;
  setProgress(0.01, 'starting…');
  const t0 = performance.now();
  polling = setInterval(pollProgress, 400);
  try {
    const r = await api('/sdapi/v1/txt2img', request());
    const info = JSON.parse(r.info);
    addImages(r.images, info.infotexts, info.all_seeds);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    setProgress(1, info.interrupted ? `interrupted · ${r.images.length} image(s) · ${secs} s` : `done · ${r.images.length} image(s) · ${secs} s`);
    $('status').textContent = `${info.sd_model_name || ''} · seed ${info.seed}`;
  } catch (e) {
    setProgress(0, 'failed');
    toast(e.message);
  } finally {
    clearInterval(polling);
    setBusy(false);
    $('preview').hidden = true;
    if (selected >= 0) $('main-image').hidden = false;
  }
}
$('generate').addEventListener('click', generate);
$('interrupt').addEventListener('click', () => api('/sdapi/v1/interrupt', {}).catch((e) => toast(e.message)));
$('skip').addEventListener('click', () => api('/sdapi/v1/skip', {}).catch((e) => toast(e.message)));
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); generate(); }
});

// --- parameters -> form (from the gallery or a dropped PNG) --------------------------------
function applyParameters(p) {
  if (!p) return;
  if ('Prompt' in p) $('prompt').value = p['Prompt'];
  if ('Negative prompt' in p) $('negative').value = p['Negative prompt'];
  if (p['Steps']) setValue('steps', p['Steps']);
  if (p['CFG scale']) setValue('cfg', p['CFG scale']);
  if (p['Size-1']) setValue('width', p['Size-1']);
  if (p['Size-2']) setValue('height', p['Size-2']);
  if (p['Seed']) $('seed').value = p['Seed'];
  const opt = (sel, v) => [...$(sel).options].some((o) => o.value === v);
  if (p['Sampler'] && opt('sampler', p['Sampler'])) $('sampler').value = p['Sampler'];
  if (p['Schedule type'] && opt('scheduler', p['Schedule type'])) $('scheduler').value = p['Schedule type'];
  updatePromptTokens(); updateNegativeTokens();
  toast('Parameters sent to the form', 'info');
}
async function pngInfo(b64) { return api('/sdapi/v1/png-info', { image: b64 }); }
$('params-send').addEventListener('click', async () => {
  const g = gallery[selected];
  if (!g) return;
  try { applyParameters((await pngInfo(g.src)).parameters); } catch (e) { toast(e.message); }
});

let droppedParams = null;
async function readDropped(file) {
  if (!file) return;
  const url = await new Promise((ok, bad) => {
    const fr = new FileReader();
    fr.onload = () => ok(fr.result); fr.onerror = bad;
    fr.readAsDataURL(file);
  });
  try {
    const r = await pngInfo(url);
    droppedParams = r.parameters;
    $('png-thumb').src = url;
    $('png-info').textContent = r.info || '(this image carries no generation parameters)';
    $('png-send').disabled = !r.info;
    $('png-result').hidden = false;
  } catch (e) { toast(e.message); }
}
const dz = $('dropzone');
dz.addEventListener('dragover', (e) => { e.preventDefault(); dz.classList.add('over'); });
dz.addEventListener('dragleave', () => dz.classList.remove('over'));
dz.addEventListener('drop', (e) => { e.preventDefault(); dz.classList.remove('over'); readDropped(e.dataTransfer.files[0]); });
$('png-pick').addEventListener('click', (e) => { e.preventDefault(); $('png-file').click(); });
$('png-file').addEventListener('change', () => readDropped($('png-file').files[0]));
$('png-send').addEventListener('click', () => applyParameters(droppedParams));

// --- start ---------------------------------------------------------------------------------
(async () => {
  try {
    await Promise.all([loadModels(), loadLists()]);
    updatePromptTokens(); updateNegativeTokens();
    document.body.dataset.ready = '1';
  } catch (e) { toast('Cannot reach the server: ' + e.message); }
})();
