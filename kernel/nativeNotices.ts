// Native TensorFlow writes two start-up notices straight to file descriptor 2, before its logging
// starts, so TF_CPP_MIN_LOG_LEVEL cannot silence them: absl's "log messages before
// absl::InitializeLog()" banner and oneDNN's "custom operations are on". They say nothing about the
// user's cell, so the runtime's native stderr drops them; every other line reaches the cell.
const NOTICES = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /^I\d{4} [\d:.]+\s+\d+ port\.cc:\d+\] oneDNN custom operations are on\. /,
];

/** `text` without TensorFlow's start-up notice lines (other text, line breaks included, as it was). */
export function withoutStartupNotices(text: string): string {
  if (!text.includes("absl::InitializeLog") && !text.includes("oneDNN custom operations")) return text;
  return text.split(/(?<=\n)/).filter((line) => !NOTICES.some((re) => re.test(line.replace(/\r?\n$/, "")))).join("");
}
