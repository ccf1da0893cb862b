"""Python side of the pyharness host.

The C host imports this package inside the embedded interpreter.  It loads
submissions and checks and hands observations back to C.  It never decides a
verdict: everything it returns is plain data that the supervisor compares.
"""

__all__ = ["runtime", "harness", "fakellm"]
