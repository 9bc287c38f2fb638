"""A long session: earlier cells' declarations are frozen into chunks (kernel/declarations.ts) as they
pile up; what the first cells defined still runs, type-checks, completes and inspects, and a later
cell can redefine it."""
from kernel_helpers import fresh_kernel, result_of, run, shell_reply

CELLS = 60
NAMES = 10  # names a cell: 600 one-line declarations, several chunks of about 4 KB


def test_the_first_cells_names_after_hundreds_of_declarations():
    with fresh_kernel() as (_, kc):
        for c in range(CELLS):
            code = " ".join(f"const longish_name_{c * NAMES + k} = {c * NAMES + k};" for k in range(NAMES))
            reply, _ = run(kc, code)
            assert reply["content"]["status"] == "ok", reply["content"]
        last = CELLS * NAMES - 1
        reply, outs = run(kc, f"longish_name_0 + longish_name_1 + longish_name_{last}")
        assert reply["content"]["status"] == "ok", reply["content"]
        assert result_of(outs) == str(1 + last)

        reply, outs = run(kc, "const s: string = longish_name_1;")
        assert reply["content"]["status"] == "error" and "not assignable to type 'string'" in reply["content"]["evalue"]

        # The protocol process's program gets the chunks too: completion and inspection of cell 1's names.
        code = "longish_name_1"
        r = shell_reply(kc, kc.complete(code, len(code)))["content"]
        assert "longish_name_1" in r["matches"] and "longish_name_19" in r["matches"], r["matches"][:5]
        r = shell_reply(kc, kc.inspect("longish_name_1", 3))["content"]
        assert r["found"] and "longish_name_1: 1" in r["data"]["text/plain"], r

        reply, _ = run(kc, 'const longish_name_1 = "one";')
        assert reply["content"]["status"] == "ok", reply["content"]
        reply, outs = run(kc, "longish_name_1.length + longish_name_0")
        assert result_of(outs) == "3"
