// Crumbless operator console: starts the console's wasm (Go) under the
// page's CSP. The page names this script's wasm in data-wasm (the build
// fills in its hashed path); wasm_exec.js (console_exec.js) ran before.
'use strict';
(() => {
  const me = document.currentScript;
  const boot = document.getElementById('boot');
  const fail = (e) => { boot.textContent = 'The console could not start: ' + (e && e.message || e); };
  (async () => {
    const go = new Go();
    const src = me.dataset.wasm;
    let instance;
    try {
      instance = (await WebAssembly.instantiateStreaming(fetch(src), go.importObject)).instance;
    } catch (e) {
      const res = await fetch(src);
      if (!res.ok) throw new Error(src + ': ' + res.status);
      instance = (await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject)).instance;
    }
    go.run(instance).catch(fail);
  })().catch(fail);
})();
