// Loket's service worker: a booking proof that was opened stays viewable offline (with the
// stylesheet). Nothing else is cached, and the cache is emptied whenever someone signs in or out,
// so one person's proof never shows up for the next person on a shared phone.
const CACHE = "{{ cache }}";
const CSS = "{{ css }}";
const PROOF = /^\/pemesanan\/[A-Za-z0-9]{4,16}\/$/;
const SIGN_IN_OUT = ["{{ login }}", "{{ logout }}"];

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
  }
});

async function kept(request) {
  const response = await caches.match(request, { cacheName: CACHE });
  return response || Response.error();
}

async function proof(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    return kept(request);
  }
  if (response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
    await cache.add(CSS).catch(() => undefined);
  } else {
    await cache.delete(request); // not (or no longer) this person's proof
  }
  return response;
}
