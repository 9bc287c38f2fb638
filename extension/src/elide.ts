// Names cut in the middle to the room they have (`baseline/…_by_genre`), so runs that share a
// prefix stay apart; the full name goes in a tooltip. The fitting takes any measure (dom.ts has
// one in an element's font), so it is tested without a browser.
import { elideMiddle } from "../../src/track/columns";

/** The longest middle-elided form of `text` whose width is at most `width` (by `measure`). */
export function fitMiddle(text: string, width: number, measure: (s: string) => number): string {
  if (measure(text) <= width) return text;
  const n = [...text].length;
  let lo = 1;
  let hi = n - 1;
  let best = elideMiddle(text, 1);
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = elideMiddle(text, mid);
    if (measure(candidate) <= width) {
      best = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}
