// The build of the test page. html.cspNonce puts a nonce on the page's
// script and a <meta property="csp-nonce"> in it; the test's server replaces
// the placeholder with a fresh nonce for every response.
export default {
  html: { cspNonce: "CRUMBLESS_TEST_NONCE" },
  build: { outDir: "out", emptyOutDir: true },
};
