// folio: copy buttons for citations. The page reads fine without it.
"use strict";
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
