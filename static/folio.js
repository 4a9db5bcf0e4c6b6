// folio: small enhancements of the default theme. Every page reads and
// works without it; it adds the dark-mode toggle, copy buttons for
// citations, the page's own address for printing, and opens the table of
// contents beside the text on wide screens.
"use strict";
(() => {
  const root = document.documentElement;

  // Dark mode: the system's choice until the reader picks one, which is
  // remembered (an inline script in <head> applies it before the first paint).
  const toggle = document.querySelector(".theme-toggle");
  const system = matchMedia("(prefers-color-scheme: dark)");
  const dark = () => (root.dataset.theme || (system.matches ? "dark" : "light")) === "dark";
  const show = () => toggle.setAttribute("aria-pressed", String(dark()));
  if (toggle) {
    toggle.hidden = false;
    show();
    system.addEventListener("change", show);
    toggle.addEventListener("click", () => {
      root.dataset.theme = dark() ? "light" : "dark";
      try { localStorage.setItem("folio-theme", root.dataset.theme); } catch (e) { /* private mode */ }
      show();
    });
  }

  // Copy buttons for citations.
  document.querySelectorAll("button.copy[data-copy]").forEach((b) => {
    const src = document.getElementById(b.dataset.copy);
    if (!src || !navigator.clipboard) return;
    b.hidden = false;
    const label = b.textContent;
    b.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(src.textContent.trim());
        b.textContent = b.dataset.done || label;
        setTimeout(() => { b.textContent = label; }, 2000);
      } catch (e) {
        const r = document.createRange();
        r.selectNodeContents(src);
        const s = getSelection();
        s.removeAllRanges();
        s.addRange(r);
      }
    });
  });

  // A site built without a base URL does not know its address: a printout
  // shows the one the page was opened at.
  document.querySelectorAll("[data-here]").forEach((e) => { e.textContent = location.href.split("#")[0]; });

  // Wide screens show the contents beside the text (CSS does where the
  // browser can style a closed <details>).
  const toc = document.querySelector(".toc details");
  const wide = matchMedia("(min-width: 75rem)");
  const place = () => { if (toc && wide.matches) toc.open = true; };
  place();
  wide.addEventListener("change", place);
})();
