// Loket's service worker: a booking proof that was opened (or listed on "my bookings") stays
// viewable offline (with the stylesheet), marked as a saved copy with the time it was saved; offline,
// the start page and "my bookings" list the saved proofs. Nothing else is cached, and the cache is
// emptied whenever someone signs in or out, so one person's proof never shows up for the next
// person on a shared phone.
const CACHE = "{{ cache }}";
const CSS = "{{ css }}";
const PROOF = /^\/pemesanan\/[A-Za-z0-9]{4,16}\/$/;
const SIGN_IN_OUT = ["{{ login }}", "{{ logout }}"];
const START = ["{{ home }}", "{{ bookings }}"];
const LANG = "{{ lang }}";
const TEXT = {{ texts|safe }};

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && SIGN_IN_OUT.includes(url.pathname)) {
    event.respondWith(caches.delete(CACHE).then(() => fetch(request)));
  } else if (request.method === "GET" && PROOF.test(url.pathname)) {
    event.respondWith(proof(request));
  } else if (request.method === "GET" && url.pathname === CSS) {
    event.respondWith(fetch(request).catch(() => kept(request)));
  } else if (request.mode === "navigate" && START.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(() => savedList()));
  }
});

function escape(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function savedAt(response) {
  const saved = response.headers.get("X-Loket-Saved");
  return saved ? new Date(saved).toLocaleString(LANG, { dateStyle: "full", timeStyle: "short" }) : "";
}

// Offline at the start page or "my bookings": the saved proofs, each with when it was saved.
async function savedList() {
  const cache = await caches.open(CACHE);
  const items = [];
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (!PROOF.test(path)) continue;
    const response = await cache.match(request);
    const summary = ((await response.clone().text()).match(/data-summary="([^"]*)"/) || [])[1] || path;
    items.push(`<li><a href="${escape(path)}">${summary}</a><br>${escape(TEXT.saved)} ${escape(savedAt(response))}</li>`);
  }
  const list = items.length ? `<ul class="cards">${items.join("")}</ul>` : `<p>${escape(TEXT.none)}</p>`;
  const html = `<!doctype html><html lang="${LANG}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(TEXT.title)}</title>
<link rel="stylesheet" href="${CSS}"></head><body><main id="main"><h1>${escape(TEXT.title)}</h1>
<p class="notice">${escape(TEXT.offline)}</p>${list}</main></body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function kept(request) {
  const response = await caches.match(request, { cacheName: CACHE });
  return response || Response.error();
}

// A saved proof served offline says it is a saved copy, and from when.
async function keptProof(request) {
  const response = await caches.match(request, { cacheName: CACHE });
  if (!response) return savedList();
  const note = `<p class="notice" id="saved-copy">${escape(TEXT.copy)} ${escape(savedAt(response))}</p>`;
  const html = (await response.text()).replace(/(<main[^>]*>)/, `$1${note}`);
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function proof(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    return keptProof(request);
  }
  if (response.ok && response.type === "basic") {
    const headers = new Headers(response.headers);
    headers.set("X-Loket-Saved", new Date().toISOString());
    await cache.put(request, new Response(await response.clone().blob(), { status: 200, headers }));
    await cache.add(CSS).catch(() => undefined);
  } else {
    await cache.delete(request); // not (or no longer) this person's proof
  }
  return response;
}
