// Only an enhancement: every page works without it. Registers the service worker that keeps
// opened booking proofs viewable offline; a signed-out page forgets them.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  if (!document.body.hasAttribute("data-signed-in") && "caches" in window) caches.delete("loket-bukti");
}
