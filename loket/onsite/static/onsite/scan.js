// Camera scanning, only where the browser has BarcodeDetector: the field and a USB scanner work without it.
(function () {
  "use strict";
  var button = document.getElementById("camera");
  var field = document.getElementById("code");
  var video = document.getElementById("camera-view");
  if (!button || !field || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  // Some browsers have the API but no QR reader on this device: then the button stays hidden.
  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") >= 0) button.hidden = false;
  }).catch(function () {});
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var timer = setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (!codes.length) return;
          clearInterval(timer);
          stream.getTracks().forEach(function (t) { t.stop(); });
          video.hidden = true;
          field.value = codes[0].rawValue;
          field.form.submit();
        }).catch(function () {});
      }, 300);
    }).catch(function () { button.hidden = true; });
  });
})();
