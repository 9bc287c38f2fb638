// plotly.js-dist-min ships no types; the renderer only needs react/purge/resize (see plotly.ts).
declare module "plotly.js-dist-min";
