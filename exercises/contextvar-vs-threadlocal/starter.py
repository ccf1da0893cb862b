"""Request-scoped state in asyncio: ContextVar versus threading.local.

An async web service handles hundreds of requests at once on ONE thread.
Log lines, traces and downstream calls need the id of the request they
belong to, without passing it through every function.
"""


async def handle_request(rid, work):
    """Run `await work()` with `rid` as the current request id and return its result.

    - While work runs (including across every await inside it), code of this
      request sees current_request_id() == rid, even when hundreds of other
      requests run concurrently on the same event loop and thread.
    - Afterwards, however work ended (returned or raised; an exception
      propagates unchanged), the previous value is back: None at top level,
      the outer id when requests are nested.
    - asyncio.to_thread(...) calls and tasks created inside work
      (asyncio.create_task) see the id of the request that started them.
    - Overhead per request must stay small: do not create a task per request.
    """
    raise NotImplementedError


def current_request_id():
    """The id of the request the calling code belongs to, or None outside any request."""
    raise NotImplementedError


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - outside_is_none (2.6 points, stopped after 20 s): current_request_id() is None outside
#     any request: before, inside the event loop around a request, and after
#   - single_request (5.2 points, stopped after 20 s): inside one request the id is visible
#     across awaits, and handle_request returns work's own result
#   - interleaved (13.0 points, stopped after 20 s): 300 concurrent requests on one event
#     loop, reading the id between random waits: each sees only its own id, and they still
#     run concurrently
#   - nested (7.8 points, stopped after 20 s): requests nested three deep restore each outer
#     id on the way back, alone and in 20 concurrent tasks
#   - to_thread (7.8 points, stopped after 20 s): the id is visible inside
#     asyncio.to_thread, in the worker thread, for 20 concurrent requests
#   - exception_restores (5.2 points, stopped after 20 s): when work raises, the same
#     exception propagates and the previous id (outer request, or None) is back
#   - sequential_restore (5.2 points, stopped after 20 s): requests run one after another in
#     the same task do not leak their id into the next or past their end
#   - spawned_tasks (2.6 points, stopped after 20 s): a task created inside a request keeps
#     that request's id, even after the request has returned
#   - no_task_per_request (7.8 points, stopped after 30 s): handle_request creates no task
#     of its own: 3 x 10^4 requests in a row whose work() returns at once cost at most 8x
#     the reference's CPU time (a task per request costs over ten times as much), and the
#     tasks created on the event loop during 60 requests, counted by the harness, must not
#     exceed the reference's count; work() must run in the task that called handle_request
#   - speed (2.6 points, stopped after 30 s): 2 x 10^4 requests in a row, each awaiting
#     twice: CPU time, median of 5 runs with fresh request ids, against the reference
# Performance (20 points), only once the check speed passes: CPU time of 2 x 10^4
# handle_request calls, median of 5 runs; full marks at 2.00x slower than the reference or
# better, none at 5.00x slower or worse, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
