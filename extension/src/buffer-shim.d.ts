// src/track/types.ts names Node's Buffer in the Store interface, which the browser code never uses;
// this stands in for it so the extension compiles without Node's types.
interface Buffer extends Uint8Array {}
