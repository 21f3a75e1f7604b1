/**
 * /search/ (site/pages/search.astro): the search form over the Pagefind index, loaded on demand. A file, not an
 * inline script, so the site's Content-Security-Policy can forbid inline scripts (scripts/lib/http/security-headers.ts).
 */
const form = document.getElementById('search-form');
const input = document.getElementById('q');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const more = document.getElementById('search-more');
const selects = [...form.querySelectorAll('select[data-filter]')];
const pageSize = 10;
let pagefind;
let current = [];
let shown = 0;
let seq = 0;

form.hidden = false;
document.getElementById('search-nojs').hidden = true;
const params = new URLSearchParams(location.search);
input.value = params.get('q') ?? '';
for (const s of selects) s.value = params.get(s.name) ?? '';

async function engine() {
  if (!pagefind) {
    pagefind = await import('/pagefind/pagefind.js');
    // noWorker: one query is milliseconds of work in the page itself, and the worker script is another 12 KB
    // gzip before the first result (bench:build, 10,000 replies: 308 → 296 KB).
    await pagefind.options({ excerptLength: 40, noWorker: true });
    pagefind.init();
  }
  return pagefind;
}

function filters() {
  const out = {};
  for (const s of selects) if (s.value) out[s.dataset.filter] = s.value;
  return out;
}

async function showMore(mine = seq) {
  const batch = current.slice(shown, shown + pageSize);
  shown += batch.length;
  // Fragments load in parallel; each result is shown as soon as it and those before it arrive.
  for (const pending of batch.map((r) => r.data())) {
    const d = await pending;
    if (mine !== seq) return; // a newer search has replaced the list: do not mix its results with these
    const li = document.createElement('li');
    const h = document.createElement('h2');
    const a = document.createElement('a');
    a.href = d.url;
    a.textContent = d.meta.title || d.url;
    h.append(a);
    const meta = document.createElement('p');
    meta.className = 'item-meta';
    meta.textContent = [d.filters['类型']?.[0], d.meta.source, d.filters['分类']?.[0], d.meta.date].filter(Boolean).join(' · ');
    const p = document.createElement('p');
    p.innerHTML = d.excerpt; // Pagefind escapes page text; only its <mark> tags are markup
    li.append(h, meta, p);
    list.append(li);
  }
  more.hidden = shown >= current.length;
}

async function run() {
  const q = input.value.trim();
  const f = filters();
  const url = new URL(location.href);
  url.search = '';
  if (q) url.searchParams.set('q', q);
  for (const s of selects) if (s.value) url.searchParams.set(s.name, s.value);
  history.replaceState(null, '', url);
  const mine = ++seq;
  if (!q && !Object.keys(f).length) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = '';
    return;
  }
  status.textContent = '正在搜索…';
  const pf = await engine();
  const search = await pf.search(q || null, { filters: f });
  if (mine !== seq) return;
  current = search.results;
  shown = 0;
  list.replaceChildren();
  status.textContent = current.length ? `找到 ${current.length} 条结果` : '没有找到结果，请换个关键词或减少筛选条件。';
  await showMore(mine);
}

let timer;
input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 300); });
for (const s of selects) s.addEventListener('change', run);
// Enter right after typing: the pending as-you-type search is dropped, so the results are listed once.
form.addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); run(); });
more.addEventListener('click', () => showMore());
if (input.value || selects.some((s) => s.value)) run();
