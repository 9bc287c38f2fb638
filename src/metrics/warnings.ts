// Metrics that are ill-defined for the data (e.g. precision with no predicted samples) still return
// a number, as scikit-learn does, and say so through a warning. A caller that wants the warnings
// (a test, the kernel, a sweep that logs them) passes `onWarning`; otherwise they go to Node's
// process warnings, which the terminal and the kernel's stderr both show.

export type WarningCategory = "UndefinedMetricWarning" | "UserWarning";

export interface MetricWarning {
  category: WarningCategory;
  message: string;
}

export type WarningHook = (warning: MetricWarning) => void;

export function warn(hook: WarningHook | undefined, category: WarningCategory, message: string): void {
  if (hook) hook({ category, message });
  else process.emitWarning(message, category);
}
