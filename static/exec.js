// Appended to Go's wasm_exec.js by make stage: the runtime list's
// wasm_exec.js, which the loader runs only when it matches its hash.
//
// Go.compile(res, sri, fail) compiles the widget's wasm from res, a fetch
// response taken without integrity, and resolves to the module only once
// its bytes match sri (the list's sha384). A fetch with integrity resolves
// only after the whole body is in and hashed on the main thread, so the
// compile could not overlap the download; here the body is teed
// (Response.clone keeps the URL and the cache entry, which V8 needs to keep
// the compiled code in its code cache): one branch is compiled as it
// arrives, the other hashed by SubtleCrypto. Compiling runs none of the
// module's code, and the loader instantiates it only after this resolves.
// fail(url, why) is the loader's: it throws the error the loader reports.
// Without SubtleCrypto (a page that is not a secure context) the browser
// checks the hash: the wasm is fetched again with integrity, from the HTTP
// cache.
globalThis.Go.compile = async (res, sri, fail) => {
  const s = crypto.subtle, url = res.url;
  if (!s) {
    res.body?.cancel();
    res = await fetch(url, { integrity: sri }).catch(() => fail(url));
  }
  const mod = WebAssembly.compileStreaming(s ? res.clone() : res).catch((e) => fail(url, e.message));
  mod.catch(() => { /* reported below, unless the hash fails first */ });
  if (s) {
    const sum = new Uint8Array(await s.digest("SHA-384", await res.arrayBuffer()));
    if ("sha384-" + btoa(String.fromCharCode(...sum)) != sri) await fail(url, "does not match its integrity hash");
  }
  return mod;
};
