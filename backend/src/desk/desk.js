// The desk's only script (served at /desk.js; the CSP allows no inline
// script): warns before an idle session ends, and goes to the sign-in page
// when it has. The server decides the end; this only tells.
'use strict';
(() => {
  const idle = Number(document.body.dataset.idle);
  const warn = Number(document.body.dataset.warn);
  const box = document.getElementById('idle-warning');
  if (!idle || !warn || !box) return;
  setTimeout(() => {
    box.hidden = false;
    box.querySelector('button')?.focus();
  }, Math.max(idle - warn, 1) * 1000);
  setTimeout(() => { window.location.assign('/signin?ended=1'); }, (idle + 1) * 1000);
})();
