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

  // A redraw must never swallow the officer's click. A click is a press and a release on the
  // same button: a redraw between the two replaces the button, and the browser fires no click.
  // So while a pointer is pressed the new HTML waits, and it is put in once the release has
  // been handled (the click, and the form it sends, come after the pointer's release in the same
  // task). Once a form is being sent the page is leaving: a redraw would take the form out of the
  // page and the browser would drop the sending, so none is made (a page shown again from the
  // history goes on).
  var pressed = false;
  var leaving = false;
  var waiting = [];
  function flush() {
    if (pressed) return;
    var due = waiting;
    waiting = [];
    due.forEach(function (put) { put(); });
  }
  function release() {
    pressed = false;
    window.setTimeout(flush, 0);
  }
  document.addEventListener("pointerdown", function () { pressed = true; }, true);
  document.addEventListener("pointerup", release, true);
  document.addEventListener("pointercancel", release, true);
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) leaving = true;
  });
  window.addEventListener("pageshow", function () { leaving = false; });

  function watch(region) {
    var url = region.getAttribute("data-live-url");
    var etag = region.getAttribute("data-etag") || "";
    var busy = false;
    var timer = null;
    var pending = null; // the newest HTML held back while a pointer is pressed
    function put() {
      if (pending === null || leaving) return;
      var html = pending;
      pending = null;
      swap(region, html);
    }
    function poll() {
      if (busy || document.hidden || leaving) return;
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
          if (html === null || html === undefined || leaving) return;
          var first = pending === null;
          pending = html;
          if (!pressed) put();
          else if (first) waiting.push(put);
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
