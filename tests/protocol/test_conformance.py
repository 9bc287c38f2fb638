"""The public conformance suite (jupyter_kernel_test) against the modelbench kernel, every sample filled in."""
import jupyter_kernel_test as jkt


class ModelbenchKernelTests(jkt.KernelTests):
    kernel_name = "modelbench"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const fruit = 'apple'; fruit.toUpperC", "matches": {"toUpperCase"}},
        {"text": "%tim", "matches": {"%time", "%timeit"}},
        {"text": "%timeit --r", "matches": {"--repeat"}},
    ]

    complete_code_samples = ["1", "const answer = 42;", "function f(x: number) { return x * 2 }", "%lsmagic"]
    incomplete_code_samples = ["function f(x: number) {", "const xs = [1, 2,", "if (true) {\n  console.log(1)"]
    invalid_code_samples = ["const = 5", "1 +* 2", "let let let"]

    code_page_something = "?Math.max"

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "'model' + 'bench'", "result": "'modelbench'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": "html('<b>bold</b>')", "mime": "text/html", "result": "<b>bold</b>"},
    ]

    code_display_data = [
        {"code": "display(html('<i>hi</i>'))", "mime": "text/html"},
        {"code": "display(markdown('# Title'))", "mime": "text/markdown"},
        {"code": "display(mime({'application/json': {a: 1}}))", "mime": "application/json"},
    ]

    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput()"
