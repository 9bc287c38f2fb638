// The Runs panel's icon: a small learning curve over an axis.
import { LabIcon } from "@jupyterlab/ui-components";

export const runsIcon = new LabIcon({
  name: "modelbench:runs",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="none" stroke="#616161" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
    '<path d="M3 3v18h18"/><path d="M6 7c2 0 3 6 5 8s4 1 5 0 3-2 5-2"/></g>' +
    '<circle class="jp-icon-accent0" cx="18" cy="7" r="2.5" fill="#4caf50"/></svg>',
});
