// Live parts of the staff pages (counter, check-in desk, dashboard) and of the applicant's
// proof page ("your turn is near"): an element with data-live-url is polled every 1.5 seconds
// (or every data-live-every milliseconds) with If-None-Match; a 304 (the usual answer)
// changes nothing, a 200 replaces the element's content with the new HTML. Without this
// script the pages work the same, updated by reloading.
(function () {
  "use strict";
  var EVERY = 1500; // a change shows within 2 s: 1.5 s + two answers (bench/board.py)

  // A button that becomes usable after a while (a no-show after the policy's minutes) is
  // enabled here when its time comes, without waiting for the next change.
  function arm(root) {
    root.querySelectorAll("[data-enable-in]").forEach(function (el) {
      var seconds = parseInt(el.getAttribute("data-enable-in"), 10);
      if (isNaN(seconds)) return;
      window.setTimeout(function () {
        if (el.isConnected) el.disabled = false;
      }, seconds * 1000);
    });
  }

  function swap(region, html) {
    // Keep the officer's place: the focused button (by its keyboard shortcut or id) gets the focus back.
    var active = document.activeElement;
    var key = active && region.contains(active) ? active.getAttribute("data-key") || active.id : null;
    region.innerHTML = html;
    arm(region);
    if (key) {
      var again = region.querySelector('[data-key="' + key + '"]') || document.getElementById(key);
      if (again) again.focus();
    }
    region.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
  }

  function watch(region) {
    var url = region.getAttribute("data-live-url");
    var etag = region.getAttribute("data-etag") || "";
    var busy = false;
    var timer = null;
    function poll() {
      if (busy || document.hidden) return;
      busy = true;
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(url, { cache: "no-store", credentials: "same-origin", headers: headers, redirect: "manual" })
        .then(function (response) {
          if (response.type === "opaqueredirect" || response.status === 403) {
            // Logged out or no longer allowed: the full page shows why.
            window.clearInterval(timer);
            window.location.reload();
            return null;
          }
          if (response.status !== 200) return null;
          etag = response.headers.get("ETag") || "";
          return response.text();
        })
        .then(function (html) {
          if (html !== null && html !== undefined) swap(region, html);
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ })
        .then(function () { busy = false; });
    }
    timer = window.setInterval(poll, parseInt(region.getAttribute("data-live-every"), 10) || EVERY);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  }

  arm(document);
  document.querySelectorAll("[data-live-url]").forEach(watch);
})();
