"""Test vectors for modelbench's percent-format reader/writer, produced by the real jupytext.

Run from the repository root with the project venv (jupytext 1.19.6, nbformat):

    .venv/bin/python tests/notebook/jupytext_vectors.py

Writes tests/fixtures/jupytext/vectors.json: a list of cases, each with
  name, options       format options jupytext.toml could set (metadata filters), or {}
  ipynb               the notebook as nbformat writes it (absent for text-only cases)
  ts                  jupytext's ts:percent text for it (for text-only cases: the hand-written input)
  ts_to_ipynb         the .ipynb jupytext writes when it reads `ts` (`jupytext --to ipynb`)
  ts_roundtrip        the text jupytext writes again from that notebook
Cell ids that jupytext invents when reading text are replaced by "cell-<index>" so the vectors are
deterministic; modelbench's reader takes the same id function in the tests.
"""

import json
import pathlib

import jupytext
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "jupytext" / "vectors.json"
assert jupytext.__version__ == "1.19.6", f"vectors must come from jupytext 1.19.6, not {jupytext.__version__}"

TS_KERNEL = {"display_name": "TypeScript (modelbench)", "language": "typescript", "name": "modelbench"}
LANGUAGE_INFO = {"file_extension": ".ts", "mimetype": "text/typescript", "name": "typescript"}


def nb(*cells, metadata=None, ids=True):
    md = {"kernelspec": TS_KERNEL, "language_info": LANGUAGE_INFO} if metadata is None else metadata
    notebook = new_notebook(cells=list(cells), metadata=md)
    for i, cell in enumerate(notebook.cells):
        cell.id = f"id{i:06x}"
    return notebook


def code(source, **metadata):
    return new_code_cell(source, metadata=metadata)


def md(source, **metadata):
    return new_markdown_cell(source, metadata=metadata)


def raw(source, **metadata):
    return new_raw_cell(source, metadata=metadata)


def fmt(options):
    return {"extension": ".ts", "format_name": "percent", **options}


def text_file(text):
    # `jupytext.write` ends every text file with a newline
    return text if text.endswith("\n") else text + "\n"


def read_ts(text, options):
    notebook = jupytext.reads(text, fmt=fmt(options))
    for i, cell in enumerate(notebook.cells):
        cell.id = f"cell-{i}"
    # jupytext adds the cell metadata keys it read to cell_metadata_filter in Python's set order,
    # which changes from one process to the next; sorted is one of the orders it can produce.
    jt = notebook.metadata.get("jupytext", {})
    if "cell_metadata_filter" in jt:
        keys = jt["cell_metadata_filter"].split(",")
        jt["cell_metadata_filter"] = ",".join(sorted(k for k in keys if not k.startswith("-")) + [k for k in keys if k.startswith("-")])
    return notebook


def vector(name, notebook=None, ts=None, options=None):
    options = options or {}
    case = {"name": name, "options": options}
    if notebook is not None:
        case["ipynb"] = nbformat.writes(notebook) + "\n"
        # convert the notebook as read from its file (sorted keys), as `jupytext --to` does
        ts = text_file(jupytext.writes(nbformat.reads(case["ipynb"], as_version=4), fmt=fmt(options)))
    case["ts"] = ts
    back = read_ts(ts, options)
    case["ts_to_ipynb"] = jupytext.writes(back, fmt="ipynb") + "\n"
    case["ts_roundtrip"] = text_file(jupytext.writes(back, fmt=fmt(options)))
    return case


WELCOME = nbformat.read(ROOT / "notebooks" / "00-welcome.ipynb", as_version=4)

CASES = [
    vector("welcome notebook", WELCOME),
    vector("markdown, code and raw", nb(md("# Title\n\nSome *text*."), code("const x = 1;\nx"), raw("raw\ntext"))),
    vector("empty notebook", nb()),
    vector("empty notebook without metadata", nb(metadata={})),
    vector("no kernelspec", nb(code("1 + 1"), metadata={})),
    vector("empty cells", nb(code(""), md(""), raw(""), code(""))),
    vector("cell magic %%track", nb(code("%%track baseline --tags a,b\nconst acc = 0.9;\nacc"))),
    vector("line magics", nb(code("%lsmagic"), code("%timeit -n 10 f()"), code("%who number\n%env"))),
    vector("%%sweep and %%%", nb(code("%%sweep --trials 3\nfoo()"), code("%%%meta\nx"))),
    vector("indented magic", nb(code("  %time f()\nx"), code("if (a) {\n  %time g()\n}"))),
    vector("commented magics are escaped again", nb(code("// %lsmagic\n// // %who\n//%env\nx"))),
    vector("percent not starting a magic", nb(code("let s = '%notmagic';\n100 % 7\n%  spaced\n%1"))),
    vector("magic inside a multi-line string", nb(code("const s = \"\"\"\n%lsmagic\n\"\"\";\n%who"))),
    vector("bang and question mark lines stay", nb(code("!ls\nfoo?\n?bar"))),
    vector("language cell magics", nb(code("%%javascript\nconsole.log(1)"), code("%%bash -s x\necho hi"), code("%%html\n<b>x</b>"))),
    vector("%%typescript cell magic", nb(code("%%typescript\nlet q = 1"))),
    vector("code containing // %%", nb(code("const a = 1;\n// %%\nconst b = 2;"), code("x\n// %% [markdown]\ny"))),
    vector("code containing //%% and In[]", nb(code("a\n//%%\nb"), code("c\n// In[3]:\nd"))),
    vector("// %% inside a triple-quoted string", nb(code("const t = `\"\"\"\n// %%\n\"\"\"`;"))),
    vector("markdown containing // %%", nb(md("text\n// %%\nmore"), md("```\n// %%\n```"))),
    vector("trailing newline in code", nb(code("x\n"), code("y\n\n"), code("z\n\n\n"))),
    vector("trailing blank lines in markdown", nb(md("a\n"), md("b\n\n"), code("c"))),
    vector("leading and inner blank lines", nb(code("\n\nx"), code("a\n\n\nb"), md("\n# t"))),
    vector("whitespace-only lines", nb(code("a\n  \nb"), code("c\n   "), md("d\n\t"))),
    vector("unicode", nb(md("# Héllo ünïcode ✓ 日本語 🚀"), code("const é = 'ü'; // ✓\né"))),
    vector("unicode line separators", nb(code("a\u2028b"), md("c\x0cd"))),
    vector("windows line endings", nb(code("a\r\nb\r\n"), md("c\r\nd"))),
    vector("tabs", nb(code("\tindented\n\t\tmore"))),
    vector("titles", nb(code("x", title="My title"), md("y", title="Section"))),
    vector("tags and metadata", nb(code("x", tags=["a", "b"]), code("y", key="value", n=3, f=2.5, flag=True, none=None))),
    vector("nested metadata", nb(code("z", k={"nested": [1, 2.5, None, "é"], "b": False}))),
    vector("ignored cell metadata", nb(code("x", collapsed=True, scrolled=False, ExecuteTime={"end": "t"}, trusted=True, autoscroll=True))),
    vector("empty tags dropped", nb(code("x", tags=[]))),
    vector("raw cell metadata", nb(raw("r", tags=["x"]), raw("s", active="ts"), raw("t", active="ipynb"))),
    vector("active cells", nb(code("x", active="ipynb"), code("y", active="ts,ipynb"))),
    vector("jupytext cell metadata", nb(code("x", lines_to_next_cell=2), code("y", lines_to_next_cell=0), md("z"))),
    vector("notebook metadata kept and dropped", nb(code("x"), metadata={"kernelspec": TS_KERNEL, "language_info": LANGUAGE_INFO, "widgets": {"a": 1}, "author": "me"})),
    vector("jupytext formats in metadata", nb(code("x"), metadata={"kernelspec": TS_KERNEL, "jupytext": {"formats": "ipynb,ts:percent"}})),
    vector("long kernelspec display name", nb(code("x"), metadata={"kernelspec": {"display_name": "A very long display name " * 5, "language": "typescript", "name": "mb"}})),
    vector("yaml-sensitive strings", nb(code("x"), metadata={"kernelspec": {"display_name": "yes", "language": "typescript", "name": "1.0"}, "jupytext": {"formats": "ipynb,ts:percent", "notebook_metadata_filter": "-all"}})),
    vector("yaml-sensitive strings 2", nb(code("x"), metadata={"kernelspec": {"display_name": "a: b # c", "language": "typescript", "name": "'quoted'"}})),
    vector("root-level front matter raw cell", nb(raw("---\ntitle: My notebook\nauthor: me\n---"), code("x"))),
    vector("outputs are not in the text", nb(code("1+1", **{}))),
    vector("notebook_metadata_filter option", nb(code("x"), metadata={"kernelspec": TS_KERNEL, "language_info": LANGUAGE_INFO, "widgets": {"a": 1}}), options={"notebook_metadata_filter": "language_info,-widgets"}),
    vector("notebook_metadata_filter -all", nb(code("x")), options={"notebook_metadata_filter": "-all"}),
    vector("cell_metadata_filter option", nb(code("x", tags=["a"], keep=1, drop=2)), options={"cell_metadata_filter": "-drop"}),
    vector("cell_metadata_filter -all", nb(code("x", tags=["a"], title="t")), options={"cell_metadata_filter": "-all"}),
    vector("code start escapes", nb(code("// +\n// // +\nx"))),
    vector("escape and noescape comments on magics", nb(code("%time f() // noescape\n// %who // escape\n%env"))),
    vector("comment_magics false", nb(code("%lsmagic\n// %who")), options={"comment_magics": False}),
    vector("non-ascii and control characters in the header", nb(code("x"), metadata={"kernelspec": {"display_name": "Pythön ✓ \t tab", "language": "typescript", "name": "mb"}})),
    vector("long non-ascii header string", nb(code("x"), metadata={"kernelspec": {"display_name": "ü " * 60, "language": "typescript", "name": "mb"}})),
    vector("header values of every type", nb(code("x"), metadata={
        "kernelspec": TS_KERNEL,
        "widgets": {"f": 1.0, "g": 2.5, "h": 1e-05, "i": 1e20, "n": None, "t": True, "l": [1, "two", {"three": 3}, [4]], "e": {}, "el": [],
                    "s1": "2020-01-01", "s2": "0x1F", "s3": "~", "s4": "-", "s5": "- x", "s6": "a\nb", "s7": "", "s8": " lead", "s9": "yes", "s10": "1:30", "s11": "#x", "s12": "x #y", "s13": "*x", "s14": "it's"}}),
        options={"notebook_metadata_filter": "widgets"}),
    vector("multi-line string in the header", nb(code("x"), metadata={"kernelspec": TS_KERNEL, "description": "first line\nsecond line\n\nthird"}), options={"notebook_metadata_filter": "description"}),
    vector("floats and big numbers in the notebook", nb(code("x", f=1.0, g=1e-05, h=123456789012345678, k=0.1), md("y"))),
    vector("cell_metadata_json option", nb(code("x", tags=["a"], n=1)), options={"cell_metadata_filter": "all"}),
    vector("non-integer lines_to_next_cell is ignored", nb(code("x", lines_to_next_cell=3), code("y"))),
    vector("many cells", nb(*[code(f"let v{i} = {i};") if i % 3 else md(f"## Part {i}") for i in range(12)])),
]

# outputs and execution counts never reach the text
with_outputs = nb(code("1+1"))
with_outputs.cells[0].outputs = [new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
with_outputs.cells[0].execution_count = 1
CASES.append(vector("code cell with outputs", with_outputs))

TEXT_ONLY = {
    "text without header": "// %%\nconst x = 1;\n\n// %% [markdown]\n// # T\n",
    "text without any marker": "const x = 1;\nx\n",
    "first cell without marker": "// ---\n// jupyter:\n//   kernelspec:\n//     display_name: TS\n//     language: typescript\n//     name: ts\n// ---\n\nconst x = 1;\n\n// %%\ny\n",
    "markers without space": "//%%\na\n\n//%% [markdown]\n//b\n",
    "titles and options": '// %% My title tags=["a", "b"] key="v"\nx\n\n// %% [markdown] Section\n// t\n',
    "json options": '// %% {"tags": ["a"], "n": 1}\nx\n',
    "unparseable options": "// %% title key=not json\nx\n",
    "spyder depth": "// %%% sub cell\nx\n",
    "In[] markers": "// In[1]:\nx\n\n// In[ ]\ny\n",
    "[md] marker": "// %% [md]\n// text\n",
    "two blank lines between cells": "// %%\na\n\n\n// %%\nb\n",
    "three blank lines between cells": "// %%\na\n\n\n\n// %%\nb\n",
    "no blank line between cells": "// %%\na\n// %%\nb\n",
    "trailing blank lines at end": "// %%\na\n\n\n",
    "markdown lines without space": "// %% [markdown]\n//no space\n//  two spaces\nplain\n",
    "header followed directly by cell": "// ---\n// jupyter:\n//   kernelspec:\n//     display_name: TS\n//     language: typescript\n//     name: ts\n// ---\n// %%\nx\n",
    "header with extra root keys": "// ---\n// title: Hello\n// jupyter:\n//   kernelspec:\n//     display_name: TS\n//     language: typescript\n//     name: ts\n// ---\n\n// %%\nx\n",
    "header with unknown jupyter keys": "// ---\n// jupyter:\n//   author: me\n//   kernelspec:\n//     display_name: TS\n//     language: typescript\n//     name: ts\n// ---\n\n// %%\nx\n",
    "encoding line": "// -*- coding: utf-8 -*-\n// %%\nconst é = 1;\n",
    "indented marker": "  // %%\n  x\n",
    "language option": '// %% language="python"\n// print(1)\n',
    "raw active in ts": '// %% [raw] active="ts"\nnot commented\n',
    "magics escaped": "// %%\n// %lsmagic\n// // %who\nx\n",
    "fenced block in markdown": "// %% [markdown]\n// ```\n// %%\n// ```\n// after\n",
    "json metadata marker": '// %% {"tags": ["a"]}\nx\n\n// %% [markdown] {"k": 1}\n// t\n',
    "python literal options": "// %% key='single' flag=True none=None tup=(1, 2)\nx\n",
    "header with a comment line before it": "// a comment\n// ---\n// jupyter:\n//   kernelspec:\n//     name: ts\n// ---\n\n// %%\nx\n",
    "header yaml with flow and quoted values": "// ---\n// jupyter:\n//   jupytext:\n//     formats: 'ipynb,ts:percent'\n//   kernelspec: {display_name: TS, language: typescript, name: ts}\n//   tags: [a, 'b c']\n// ---\n\n// %%\nx\n",
    "empty file": "",
    "only blank lines": "\n\n\n",
    "code before the first marker": "const pre = 1;\n\n// %%\nx\n",
    "whitespace line before marker": "// %%\na\n  \n// %%\nb\n",
}
for name, text in TEXT_ONLY.items():
    CASES.append(vector(name, ts=text))

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"jupytext_version": jupytext.__version__, "cases": CASES}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {len(CASES)} cases to {OUT.relative_to(ROOT)}")
