// The waiting page's light poll (without JavaScript the page refreshes itself instead).
// Asks the small status answer with If-None-Match; when admitted goes straight to the
// booking step, when the state or the position changed shows the page again.
(function () {
  const box = document.getElementById("waiting");
  if (!box) return;
  let etag = null;
  let seen = null;
  async function poll() {
    try {
      const r = await fetch(box.dataset.poll, { headers: etag ? { "If-None-Match": etag } : {} });
      if (r.status === 200) {
        etag = r.headers.get("ETag");
        const s = await r.json();
        if (s.state === "admitted" && box.dataset.state !== "admitted") { location.href = box.dataset.book; return; }
        const now = s.state + ":" + s.position;
        if (s.state !== box.dataset.state || (seen !== null && now !== seen)) { location.reload(); return; }
        seen = now;
      }
    } catch (e) { /* a weak network: try again later */ }
    setTimeout(poll, 3000 + Math.random() * 2000);
  }
  setTimeout(poll, 1000);
})();
