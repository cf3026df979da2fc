// Camera scanning for the check-in desk and the kiosk. The code field and a USB scanner work
// without any of this. Where the browser has a QR BarcodeDetector (Android, macOS, ChromeOS)
// it reads the frames; elsewhere (Chrome on Windows and Linux, Firefox) the bundled jsQR
// decoder does, loaded only when the camera is opened. The QR text goes into the field and
// the form is sent, exactly as a USB scanner would type it.
(function () {
  "use strict";
  var button = document.getElementById("camera");
  var field = document.getElementById("code");
  var video = document.getElementById("camera-view");
  if (!button || !field || !video || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var labels = { open: button.textContent, stop: button.getAttribute("data-stop"), none: button.getAttribute("data-unavailable") };
  var stream = null;
  var timer = null;
  button.hidden = false;

  function nativeReader() {
    if (!("BarcodeDetector" in window)) return Promise.resolve(null);
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return null;
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }).catch(function () { return null; });
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = button.getAttribute("data-decoder");
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function jsQRReader() {
    return loadJsQR().then(function () {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) return Promise.resolve(null);
        canvas.width = width;
        canvas.height = height;
        context.drawImage(video, 0, 0, width, height);
        var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: "attemptBoth" });
        return Promise.resolve(found && found.data ? found.data : null);
      };
    });
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = labels.open;
  }

  function unavailable() {
    stop();
    button.disabled = true;
    button.textContent = labels.none;
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); field.focus(); return; }
    button.disabled = true;
    Promise.all([
      nativeReader().then(function (reader) { return reader || jsQRReader(); }),
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
    ]).then(function (ready) {
      var read = ready[0];
      stream = ready[1];
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      button.disabled = false;
      button.textContent = labels.stop;
      var reading = false;
      timer = setInterval(function () {
        if (reading) return;
        reading = true;
        read().then(function (text) {
          reading = false;
          if (!text || !stream) return;
          stop();
          field.value = text;
          field.form.submit();
        }).catch(function () { reading = false; });
      }, 200);
    }).catch(unavailable);
  });
})();
