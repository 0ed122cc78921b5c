// A build of src/shake.ts alone, which uses crumbless() and not load():
// the test checks that load() is left out.
export default {
  build: {
    outDir: "out-shake",
    emptyOutDir: true,
    minify: false,
    lib: { entry: "src/shake.ts", formats: ["es"], fileName: "shake" },
  },
};
