/* The waiting-room board: polls the office's state every second, redraws when it changed,
   and announces every new call (chime + Indonesian voice clips), one at a time.
   No library, no network beyond Loket itself. window.loketBoard is read by the tests. */
(function () {
  "use strict";
  var POLL_MS = 1000;
  var STALE_MS = 60000; // a call still unspoken after a minute is dropped, not read out late
  var GAP_AFTER_CHIME = 0.25, GAP_BETWEEN = 0.04; // seconds

  function $(id) { return document.getElementById(id); }
  function read(id) { return JSON.parse($(id).textContent); }

  var state = read("board-state");
  var clipUrls = read("board-clips");
  var labels = read("board-labels");
  var dataUrl = location.pathname.replace(/\/?$/, "/") + "data.json";
  var etag = state.etag;
  var clockOffset = 0;
  var seen = {};
  // Calls made before the page opened are shown but not spoken.
  state.calls.forEach(function (c) { seen[c.id] = true; });

  var board = window.loketBoard = {
    announced: [],  // every call queued for announcement: {id, ticket, counter, text, clips}
    played: [],     // every clip that finished playing, in order: {id, clip}
    soundOn: false,
    polls: 0,
    renders: 0,
  };

  /* ---------- drawing ---------- */

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawCounters(counters, flashCounter) {
    var list = $("board-counters");
    var cols = Math.max(1, Math.min(counters.length, Math.ceil(Math.sqrt(counters.length * 1.2))));
    list.style.setProperty("--cols", cols);
    list.replaceChildren();
    if (!counters.length) list.append(el("li", "counter-none", labels.noCounters));
    counters.forEach(function (row) {
      var item = el("li", "counter" + (row.ticket ? " busy" : "") + (row.on_break ? " on-break" : "") +
                    (row.counter === flashCounter ? " flash" : ""));
      item.dataset.counter = row.counter;
      item.append(el("span", "counter-label", labels.counter + " " + row.counter), " ",
                  el("span", "counter-ticket", row.ticket || (row.on_break ? labels.onBreak : "—")));
      // Tickets transferred to this counter by name, on their way.
      if (row.going && row.going.length) {
        item.append(" ", el("span", "counter-going", labels.going + " " + row.going.join(" ")));
      }
      list.append(item);
    });
  }

  function drawRecent(recent, flashId) {
    var list = $("board-recent");
    list.replaceChildren();
    if (!recent.length) list.append(el("li", "recent-none", labels.noCalls));
    recent.forEach(function (call) {
      var item = el("li", call.id === flashId ? "flash" : "");
      item.dataset.call = call.id;
      item.append(el("span", "recent-ticket", call.ticket), " ",
                  el("span", "recent-counter", labels.counter + " " + call.counter), " ",
                  el("time", "recent-at", call.at));
      list.append(item);
    });
  }

  function drawWaiting(waiting) {
    document.querySelectorAll("#board-waiting li").forEach(function (item) {
      item.querySelector(".count").textContent = waiting[item.dataset.letter] || 0;
    });
  }

  function draw(next, fresh) {
    var newest = fresh.length ? fresh[fresh.length - 1] : null;
    drawCounters(next.counters, newest ? newest.counter : null);
    drawRecent(next.recent, newest ? newest.id : null);
    drawWaiting(next.waiting);
    board.renders += 1;
  }

  /* ---------- the clock (office time, corrected by the server's Date header) ---------- */

  var timeFormat = new Intl.DateTimeFormat(labels.locale, { timeZone: state.timezone, hour: "2-digit", minute: "2-digit", hour12: false });
  var dateFormat = new Intl.DateTimeFormat(labels.locale, { timeZone: state.timezone, weekday: "long", day: "numeric", month: "long", year: "numeric" });
  function tick() {
    var now = new Date(Date.now() + clockOffset);
    $("board-time").textContent = timeFormat.format(now).replace(".", ":");
    $("board-date").textContent = dateFormat.format(now);
  }

  /* ---------- the voice ---------- */

  var audio = null, buffers = {}, queue = [], speaking = false;
  var speechWanted = new URLSearchParams(location.search).get("suara") === "sistem";

  function localIndonesianVoice() {
    if (!speechWanted || !window.speechSynthesis) return null;
    return speechSynthesis.getVoices().filter(function (v) {
      return v.localService && v.lang.replace("_", "-").toLowerCase().indexOf("id") === 0;
    })[0] || null;
  }

  function enableSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return Promise.resolve();
    audio = audio || new Context();
    var loads = Object.keys(clipUrls).map(function (name) {
      if (buffers[name]) return null;
      return fetch(clipUrls[name]).then(function (r) { return r.arrayBuffer(); })
        .then(function (bytes) { return audio.decodeAudioData(bytes); })
        .then(function (buffer) { buffers[name] = buffer; });
    });
    return audio.resume().then(function () { return Promise.all(loads); }).then(function () {
      board.soundOn = audio.state === "running";
      $("board-sound").hidden = board.soundOn;
      speak();
    }, function () { $("board-sound").hidden = false; });
  }

  // Schedules the clips back to back on the audio clock; resolves when the last one ends,
  // or a little after it should have (a stalled audio device must not silence the board).
  function playClips(call, names) {
    names = names.filter(function (name) { return buffers[name]; });
    return new Promise(function (resolve) {
      var at = audio.currentTime + 0.05, left = names.length, done = false;
      function finish() { if (!done) { done = true; resolve(); } }
      if (!left) { finish(); return; }
      names.forEach(function (name, i) {
        var source = audio.createBufferSource();
        source.buffer = buffers[name];
        source.connect(audio.destination);
        source.onended = function () {
          board.played.push({ id: call.id, clip: name });
          left -= 1;
          if (!left) finish();
        };
        source.start(at);
        at += buffers[name].duration + (i === 0 && name === "chime" ? GAP_AFTER_CHIME : GAP_BETWEEN);
      });
      setTimeout(finish, (at - audio.currentTime) * 1000 + 3000);
    });
  }

  function sayWithSystemVoice(call, voice) {
    return playClips(call, call.clips.slice(0, 1)).then(function () {
      return new Promise(function (resolve) {
        var utterance = new SpeechSynthesisUtterance(call.text);
        utterance.voice = voice;
        utterance.lang = voice.lang;
        utterance.onend = utterance.onerror = function () { resolve(); };
        speechSynthesis.speak(utterance);
      });
    });
  }

  // Never two at once: one announcement, then the next.
  function speak() {
    if (speaking || !board.soundOn || !queue.length) return;
    var item = queue.shift();
    if (Date.now() - item.queuedAt > STALE_MS) { speak(); return; }
    speaking = true;
    var voice = localIndonesianVoice();
    var done = voice ? sayWithSystemVoice(item.call, voice) : playClips(item.call, item.call.clips);
    done.then(function () { speaking = false; speak(); });
  }

  function announce(calls) {
    calls.forEach(function (call) {
      board.announced.push({ id: call.id, ticket: call.ticket, counter: call.counter, text: call.text, clips: call.clips });
      queue.push({ call: call, queuedAt: Date.now() });
    });
    speak();
  }

  /* ---------- polling ---------- */

  function freshCalls(next) {
    // The newest call last, so announcements follow the order of the calls.
    return next.calls.filter(function (c) { return !seen[c.id]; }).reverse();
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(dataUrl, { cache: "no-store", headers: headers }).then(function (response) {
      var date = Date.parse(response.headers.get("Date") || "");
      if (!isNaN(date) && Math.abs(date - Date.now() - clockOffset) > 2000) clockOffset = date - Date.now();
      $("board-offline").hidden = true;
      if (response.status !== 200) return null;
      etag = response.headers.get("ETag");
      return response.json();
    }).then(function (next) {
      if (!next) return;
      var fresh = freshCalls(next);
      fresh.forEach(function (c) { seen[c.id] = true; });
      draw(next, fresh);
      announce(fresh);
      state = next;
    }).catch(function () {
      $("board-offline").hidden = false;
    }).then(function () {
      board.polls += 1;
      setTimeout(poll, POLL_MS);
    });
  }

  $("board-sound").addEventListener("click", enableSound);
  $("board-sound").hidden = false;
  tick();
  setInterval(tick, 1000);
  // With Chromium's --autoplay-policy=no-user-gesture-required this starts the sound at once;
  // otherwise the button stays until someone presses it once.
  enableSound();
  setTimeout(poll, POLL_MS);
})();
