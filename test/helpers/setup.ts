// Loaded before every test file: an unhandled rejection or uncaught exception fails the run
// instead of passing silently.
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});
