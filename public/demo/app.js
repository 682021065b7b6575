// The demo's own code: a map viewer (its tiles go through the service worker and the
// cleancache) and a "decoded tiles" cache in a frontswap area. It only uses window.webtmem,
// which the drop-in script tag in index.html sets up (async: it may run after this module).
const W = 20, VIEW_W = 6, VIEW_H = 4, PAGE = 4096;
const $ = (s) => document.querySelector(s);
let x0 = 0, y0 = 0, area = null, client = null, fullBudget = 0;
const sums = new Map(); // offset → checksum of the raster stored there

function checksum(bytes) {
  let h = 2166136261;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return h >>> 0;
}

/** "Decodes" a tile: draws it at 64×64 and keeps the luminance, 4 KiB a tile. */
function decode(img) {
  const c = document.createElement('canvas');
  c.width = c.height = 64;
  const g = c.getContext('2d', { willReadFrequently: true });
  g.drawImage(img, 0, 0, 64, 64);
  const rgba = g.getImageData(0, 0, 64, 64).data;
  const raster = new Uint8Array(PAGE);
  for (let i = 0; i < PAGE; i++) raster[i] = (rgba[4 * i] * 77 + rgba[4 * i + 1] * 150 + rgba[4 * i + 2] * 29) >> 8;
  return raster;
}

function badge(fig, offset) {
  const tier = area ? area.where(offset) : 'absent';
  const cap = fig.querySelector('figcaption');
  cap.textContent = tier;
  cap.className = `tier-${tier}`;
}

let blobs = [];
function render() {
  const vp = $('#viewport');
  vp.textContent = '';
  blobs.forEach((u) => URL.revokeObjectURL(u));
  blobs = [];
  for (let y = y0; y < y0 + VIEW_H; y++) {
    for (let x = x0; x < x0 + VIEW_W; x++) {
      const fig = document.createElement('figure');
      const img = new Image();
      const offset = y * W + x;
      img.alt = `tile ${x},${y}`;
      // webtmem.fetch answers cleancache hits on the page itself, with no service-worker hop;
      // a miss goes through the service worker to the network and fills the cleancache.
      window.webtmem.fetch(`/tiles/${x}-${y}.svg`).then((r) => r.blob()).then((b) => {
        const url = URL.createObjectURL(b);
        blobs.push(url);
        img.src = url;
      }, () => { img.alt = `tile ${x},${y} (offline, not cached)`; });
      img.onload = () => {
        if (!area) return;
        const raster = decode(img);
        const where = area.store(offset, raster);
        if (where) sums.set(offset, checksum(raster));
        badge(fig, offset);
      };
      fig.append(img, Object.assign(document.createElement('figcaption'), { textContent: '…' }));
      vp.append(fig);
    }
  }
  $('#where').textContent = `${x0},${y0}`;
}

function pan(dx, dy) {
  x0 = Math.max(0, Math.min(W - VIEW_W, x0 + dx));
  y0 = Math.max(0, Math.min(W - VIEW_H, y0 + dy));
  render();
}

async function tour() {
  for (let y = 0; y <= W - VIEW_H; y += VIEW_H) {
    for (let x = 0; x <= W - VIEW_W; x += 2) {
      x0 = x; y0 = y; render();
      await new Promise((r) => setTimeout(r, 120));
    }
  }
}

async function verify() {
  const into = new Uint8Array(PAGE);
  const tiers = { memory: 0, disk: 0, bad: 0 };
  for (const [offset, sum] of sums) {
    const tier = area.where(offset);
    const ok = await area.load(offset, into);
    if (!ok || checksum(into) !== sum) tiers.bad++;
    else tiers[tier === 'memory' ? 'memory' : 'disk']++;
  }
  const g = $('#preview').getContext('2d');
  const img = g.createImageData(64, 64);
  for (let i = 0; i < PAGE; i++) img.data.set([into[i], into[i], into[i], 255], 4 * i);
  g.putImageData(img, 0, 0);
  $('#swapinfo').textContent = `${sums.size} rasters checked: ${tiers.memory} from memory, ${tiers.disk} from the write-behind buffer or disk, ${tiers.bad} wrong.`;
}

function showStatus() {
  const w = window.webtmem;
  const s = w.lastStats;
  if (!s) return;
  const cc = s.cleancache;
  const fs = s.frontswap.find((a) => a.name === 'demo-decoded');
  $('#status').textContent = `mode ${w.mode} · store ${s.store.usedFrames}/${s.store.budgetFrames} frames` +
    (cc ? ` · cleancache ${cc.hits} hits / ${cc.lookups} lookups` : '') +
    (fs ? ` · frontswap ${fs.memoryPages} in memory, ${fs.inFlightPages} in flight, ${fs.diskPages} on disk` : '');
}

document.querySelectorAll('[data-pan]').forEach((b) => b.addEventListener('click', () => pan(...b.dataset.pan.split(',').map(Number))));
$('#tour').addEventListener('click', () => void tour());
$('#squeeze').addEventListener('click', () => void client?.setBudget(64 * 1024));
$('#restore').addEventListener('click', () => void client?.setBudget(fullBudget));
$('#verify').addEventListener('click', () => void verify());
addEventListener('keydown', (e) => {
  const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
  if (d) pan(...d);
});

// The drop-in loads async, so it may run after this script: the 'webtmem' event says when
// window.webtmem exists.
const webtmem = window.webtmem ?? await new Promise((resolve) => addEventListener('webtmem', () => resolve(window.webtmem), { once: true }));
webtmem.ready.then(async (w) => {
  client = w.client;
  if (!client) { $('#status').textContent = `webtmem did not start: ${w.error}`; return; }
  fullBudget = (await client.budget()).ownerBytes;
  area = await client.frontswap('demo-decoded');
  render();
  setInterval(showStatus, 250);
  setInterval(() => document.querySelectorAll('#viewport figure').forEach((fig, i) => {
    badge(fig, (y0 + Math.floor(i / VIEW_W)) * W + x0 + (i % VIEW_W));
  }), 500);
}, (e) => { $('#status').textContent = `webtmem did not start: ${e.message}`; });
