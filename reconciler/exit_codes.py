"""Exit codes, named. Only `cli.main` turns them into a process exit."""

OK = 0
ERROR = 1  # invalid input, failed read or write: we said what is wrong
CHANGES = 2  # with --detailed-exitcode / --exit-code: there are changes (or drift)
BUG = 3  # an unexpected exception
INTERRUPTED = 130
