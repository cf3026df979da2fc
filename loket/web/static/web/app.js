// Only an enhancement: every page works without it. Registers the service worker that keeps
// opened booking proofs viewable offline; a signed-out page forgets them.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  if (!document.body.hasAttribute("data-signed-in") && "caches" in window) caches.delete("loket-bukti");
}
// A copy button beside each code field (the field itself is selectable without JavaScript).
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => {
    const field = document.getElementById(button.dataset.copy);
    field.select();
    const copied = navigator.clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject();
    copied.catch(() => document.execCommand("copy")).then(() => (button.textContent = button.dataset.done));
  });
});
// A part of a form that applies to one choice only (the replacement details: data-shown-for="service=replacement")
// shows while that choice is made; without JavaScript it stays as a separate, optional part.
document.querySelectorAll("[data-shown-for]").forEach((part) => {
  const [name, value] = part.dataset.shownFor.split("=");
  const choices = part.form.querySelectorAll(`input[name="${name}"]`);
  const update = () => (part.hidden = !Array.from(choices).some((choice) => choice.checked && choice.value === value));
  choices.forEach((choice) => choice.addEventListener("change", update));
  update();
});
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
// A page waiting for a payment asks every 10 s whether it arrived (a few bytes) and reloads when it
// did; and at once when the person comes back to it (from the bank's app or the payment tab).
const waiting = document.querySelectorAll("[data-poll]");
if (waiting.length) {
  const ask = () => {
    waiting.forEach((element) => {
      fetch(element.dataset.poll, { credentials: "same-origin" })
        .then((answer) => (answer.ok ? answer.json() : null))
        .then((state) => state && state.booking !== element.dataset.state && location.reload())
        .catch(() => undefined);
    });
  };
  setInterval(ask, 10000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") ask();
  });
}
// "My bookings" opened online: the proofs of the active bookings are fetched once, so the service
// worker keeps them for offline use (the same as opening each one).
if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
  document.querySelectorAll("a[data-save]").forEach((link) => {
    fetch(link.href, { credentials: "same-origin" }).catch(() => undefined);
  });
}
