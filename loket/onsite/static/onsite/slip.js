// Print the slip: at once when opened from check-in or the kiosk (?cetak=1), or with the button.
(function () {
  "use strict";
  var me = document.currentScript;
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
  if (me && me.dataset.autoprint === "1") window.addEventListener("load", function () { window.print(); });
})();
