// Joining a waiting room costs a small proof of work (ALTCHA v1, SHA-256; about a second on
// a cheap phone): fetch the challenge, find the number, put the solution in the form, send it.
(function () {
  const form = document.getElementById("join-form");
  // Without SubtleCrypto (or without JavaScript) the form stays hidden and #pow-needed says why.
  if (!form || !window.crypto || !crypto.subtle) return;
  form.hidden = false;
  const needed = document.getElementById("pow-needed");
  if (needed) needed.hidden = true;
  const state = document.getElementById("pow-state");
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
  async function solve(c) {
    const enc = new TextEncoder();
    for (let n = 0; n <= c.maxnumber; n++) {
      if (hex(await crypto.subtle.digest("SHA-256", enc.encode(c.salt + n))) === c.challenge) return n;
    }
    return null;
  }
  form.addEventListener("submit", async (event) => {
    if (form.elements.altcha.value) return;
    event.preventDefault();
    form.querySelector("button").disabled = true;
    state.textContent = state.dataset.working || "…";
    try {
      const c = await (await fetch(form.dataset.challenge)).json();
      const number = await solve(c);
      if (number === null) throw new Error("unsolved");
      const body = { algorithm: c.algorithm, challenge: c.challenge, number, salt: c.salt, signature: c.signature };
      form.elements.altcha.value = btoa(JSON.stringify(body));
      form.submit();
    } catch (e) {
      form.querySelector("button").disabled = false;
      state.textContent = state.dataset.failed || "!";
    }
  });
})();
