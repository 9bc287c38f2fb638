// Which rows of a long list are in view, for lists that keep only those in the page: rows of two
// heights (the Runs panel's, with or without a line of tags) placed by their running total. Pure.

/** Where each row starts (`tops[n]` is the whole list's height), from each row's height. */
export function rowTops(heights: readonly number[]): Float64Array {
  const tops = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) tops[i + 1] = tops[i] + heights[i];
  return tops;
}

/** The rows a viewport of `height` scrolled to `scrollTop` shows, with `overscan` more each side: [first, end). */
export function rowsInView(tops: Float64Array, scrollTop: number, height: number, overscan = 6): [number, number] {
  const n = tops.length - 1;
  // The first row whose bottom is below the top of the view.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1] <= scrollTop) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < n && tops[end] < scrollTop + height) end++;
  return [Math.max(0, lo - overscan), Math.min(n, end + overscan)];
}
