import { test } from "node:test";
import assert from "node:assert/strict";
import { withoutStartupNotices } from "./nativeNotices";

test("TensorFlow's start-up notices leave the runtime's native stderr; everything else stays as written", () => {
  const banner = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n";
  const onednn = "I0000 00:00:1796636786.452010   11236 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.\n";
  assert.equal(withoutStartupNotices(banner + onednn), "");
  assert.equal(withoutStartupNotices(`before\n${banner}${onednn}after`), "before\nafter");
  // Other TensorFlow lines and user text that merely mentions oneDNN are kept.
  const other = "W0000 00:00:1796636786.452010   11236 cpu_feature_guard.cc:210] some other notice\n";
  assert.equal(withoutStartupNotices(other), other);
  assert.equal(withoutStartupNotices("is oneDNN custom operations are on. a question?\n"), "is oneDNN custom operations are on. a question?\n");
  assert.equal(withoutStartupNotices("plain\r\ntext"), "plain\r\ntext");
});
