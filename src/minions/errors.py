"""The error types the CLI turns into a one-line message and an exit code."""


class UserError(Exception):
    """Bad input from the user: the message names the problem and the fix, on one line. Exit code 2."""

    exit_code = 2


class GateFailure(UserError):
    """The final scrub gate found sensitive data in a file about to be released. Exit code 3.

    The output folder keeps only the gate's report (rule ids and file names, never values).
    """

    exit_code = 3
