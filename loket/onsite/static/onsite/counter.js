// Keyboard shortcuts on the counter page: a key presses the button that declares it (data-key),
// unless the officer is typing in a field.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
    var button = document.querySelector('button[data-key="' + event.key.toLowerCase() + '"]:not([disabled])');
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
