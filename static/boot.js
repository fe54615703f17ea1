// Starts the upload page. A file of its own (not inline) so the page's
// Content-Security-Policy can forbid inline scripts. When WebAssembly is
// unavailable — switched off by policy on some hospital and practice PCs,
// or a very old browser — it shows a plain explanation instead of a blank
// page.
function noWasm() {
  const loading = document.getElementById('loading');
  if (loading) loading.hidden = true;
  const box = document.getElementById('no-wasm');
  if (box) box.hidden = false;
}

if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
  noWasm();
} else {
  import('./page.js')
    .then((m) => m.default())
    .catch(noWasm);
}
