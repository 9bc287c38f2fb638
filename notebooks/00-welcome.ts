// ---
// jupyter:
//   jupytext:
//     formats: ipynb,ts:percent
//     text_representation:
//       extension: .ts
//       format_name: percent
//       format_version: '1.3'
//       jupytext_version: 1.19.6
//   kernelspec:
//     display_name: TypeScript (modelbench)
//     language: typescript
//     name: modelbench
// ---

// %% [markdown]
// # Welcome to modelbench
//
// Cells are TypeScript, type-checked before they run. Variables carry over between cells and `await` works at the top level.

// %%
const scores: number[] = [0.61, 0.64, 0.66, 0.71];
const best = Math.max(...scores);
best

// %%
await new Promise((resolve) => setTimeout(resolve, 50));
scores.map((s) => s.toFixed(2))

// %% [markdown]
// ## Rich output
//
// Anything with a `[MIME]()` method shows itself; `display()` returns a handle whose output can be replaced in place, as a progress bar does.

// %%
display(html(`<b>best so far:</b> ${best}`));
const bar = display("epoch 0/3");
for (let epoch = 1; epoch <= 3; epoch++) {
  await new Promise((r) => setTimeout(r, 20));
  bar.update(`epoch ${epoch}/3`);
}

// %% [markdown]
// ## Magics
//
// One line each; `%lsmagic` lists them and `%name --help` explains one.

// %%
// %lsmagic

// %%
// %timeit -n 1000 -r 3 scores.reduce((a, b) => a + b, 0)

// %%
// %who number
