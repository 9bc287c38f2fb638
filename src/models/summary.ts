// How a model shows itself in a notebook: its settings as a constructor call, and a line on what
// it learned, so a cell ending in `model` says what the model is without dumping its arrays.
import type { MimeBundle } from "../display";
import { escapeHtml } from "../metrics/render";

export function modelBundle(name: string, params: object, learned: string | null): MimeBundle {
  const settings = Object.entries(params)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(", ");
  const call = `${name}({ ${settings} })`;
  const state = learned ?? "not fitted";
  return {
    "text/plain": `${call}\n  ${state}`,
    "text/html": `<div class="modelbench-model" style="font-family:var(--jp-code-font-family,monospace)"><b>${escapeHtml(name)}</b>(${escapeHtml(`{ ${settings} }`)})<br><span style="color:var(--jp-ui-font-color2)">${escapeHtml(state)}</span></div>`,
  };
}
