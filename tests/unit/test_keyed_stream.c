/* Unit tests for keyed_stream.c: the C digests (chain_ints, chain_strs) give
 * the values of their Python twins in python/pyharness/checklib.py, which
 * checks use where there is no worker; a drift of either side fails here. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <criterion/criterion.h>
#include <stdio.h>

#include "embed.h"
#include "paths.h"

static void start(void)
{
    struct ph_err err = {0};
    struct embed_options o = {1};

    cr_assert_eq(paths_init(&err), PH_OK, "%s", err.msg);
    cr_assert_eq(embed_init(&o, &err), PH_OK, "%s", err.msg);
}

TestSuite(keyed_stream, .init = start);

/* Run `code` in a fresh namespace holding `checklib`, the path of
 * checklib.py; the code leaves its verdict in `ok` (True) or `why`. */
static void py_check(const char *code)
{
    char path[4096];
    PyObject *g = PyDict_New();        /* new ref */
    PyObject *p, *v = NULL, *ok, *why; /* p, v: new refs */

    cr_assert_not_null(g);
    snprintf(path, sizeof path, "%s/pyharness/checklib.py", paths_python_dir());
    p = PyUnicode_FromString(path);
    cr_assert_not_null(p);
    cr_assert_eq(PyDict_SetItemString(g, "checklib", p), 0);
    cr_assert_eq(PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()), 0);
    v = PyRun_String(code, Py_file_input, g, g);
    if (v == NULL)
        PyErr_Print();
    cr_assert_not_null(v, "the check's Python code raised");
    ok = PyDict_GetItemString(g, "ok");   /* borrowed */
    why = PyDict_GetItemString(g, "why"); /* borrowed */
    cr_assert(ok == Py_True, "%s",
              why != NULL && PyUnicode_Check(why) ? PyUnicode_AsUTF8(why) : "?");
    Py_DECREF(v);
    Py_DECREF(p);
    Py_DECREF(g);
}

/* checklib's fallbacks, taken from its source: the handler of each
 * `try: from _pyharness import NAME` (in a worker the import succeeds, so
 * the module itself would give the C functions back). */
#define TWINS                                                                                      \
    "import ast, random, typing, _pyharness\n"                                                     \
    "src = open(checklib).read()\n"                                                                \
    "py = {'Any': typing.Any, 'Iterable': typing.Iterable, 'Iterator': typing.Iterator}\n"         \
    "for node in ast.parse(src).body:\n"                                                           \
    "    if isinstance(node, ast.Try) and any(\n"                                                  \
    "            isinstance(s, ast.ImportFrom) and s.module == '_pyharness'\n"                     \
    "            and s.names[0].name in ('chain_ints', 'chain_strs') for s in node.body):\n"       \
    "        exec(compile(ast.Module(body=node.handlers[0].body, type_ignores=[]), checklib,\n"    \
    "                     'exec'), py)\n"                                                          \
    "assert 'chain_ints' in py and 'chain_strs' in py, 'no Python twin found in checklib.py'\n"    \
    "ok, why = True, ''\n"

Test(keyed_stream, chain_ints_gives_checklibs_values_on_random_batches_and_keys)
{
    py_check(TWINS "rnd = random.Random(20261130)\n"
                   "for case in range(400):\n"
                   "    state = rnd.getrandbits(rnd.choice((8, 32, 64, 70)))\n"
                   "    n = rnd.choice((0, 1, 2, 7, 8, 9, 100, 1000))\n"
                   "    bits = rnd.choice((8, 31, 62, 63))\n"
                   "    batch = [rnd.randrange(-(1 << bits), 1 << bits) for _ in range(n)]\n"
                   "    c = _pyharness.chain_ints(state, batch)\n"
                   "    p = py['chain_ints'](state, batch)\n"
                   "    if c != p:\n"
                   "        ok, why = False, f'case {case}: C {c:#x}, Python {p:#x}'\n"
                   "        break\n"
                   "    state = c\n");
}

Test(keyed_stream, chain_strs_gives_checklibs_values_on_random_texts_of_every_kind)
{
    py_check(TWINS
             "rnd = random.Random(1130)\n"
             "alphabets = ('abc xyz', 'éàü\\xff', 'αβγ€中文', '😀🐍\\U0010FFFF', '\\x00\\n')\n"
             "for case in range(400):\n"
             "    state = rnd.getrandbits(64)\n"
             "    seq = []\n"
             "    for _ in range(rnd.choice((0, 1, 3, 20))):\n"
             "        chars = ''.join(rnd.sample(alphabets, rnd.randint(1, 3)))\n"
             "        seq.append(''.join(rnd.choice(chars) for _ in range(rnd.randint(0, 25))))\n"
             "    c = _pyharness.chain_strs(state, seq)\n"
             "    p = py['chain_strs'](state, seq)\n"
             "    if c != p:\n"
             "        ok, why = False, f'case {case} {seq!r}: C {c:#x}, Python {p:#x}'\n"
             "        break\n");
}

/* The digests' values themselves: a change to both sides at once (the mix,
 * the closing round) would still agree above, and breaks every stored
 * expectation of a check that compares digests across runs. */
Test(keyed_stream, the_digests_keep_their_values)
{
    py_check(TWINS
             "got = (_pyharness.chain_ints(0, []), _pyharness.chain_ints(1, [1, 2, 3]),\n"
             "       _pyharness.chain_ints(0xDEADBEEF, [-1, 1 << 62]),\n"
             "       _pyharness.chain_strs(0, ['']), _pyharness.chain_strs(7, ['ab', 'é€😀']))\n"
             "want = (0xE4C413BB834EC8DC, 0x7BFFA478BB1B299A, 0x32E6BB187BD037E4,\n"
             "        0x29205E6F28CDE561, 0xA60142A942DF0815)\n"
             "ok = got == want\n"
             "why = f'digests changed: {[hex(v) for v in got]}'\n");
}

Test(keyed_stream, both_sides_refuse_an_item_of_the_wrong_type)
{
    py_check(TWINS "for name, bad in (('chain_ints', [1, True]), ('chain_ints', [1.0]),\n"
                   "                  ('chain_strs', ['a', b'b'])):\n"
                   "    for f in (getattr(_pyharness, name), py[name]):\n"
                   "        try:\n"
                   "            f(0, bad)\n"
                   "        except TypeError:\n"
                   "            continue\n"
                   "        ok, why = False, f'{name} ({f!r}) took {bad!r}'\n");
}
