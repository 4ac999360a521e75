"""``python -m localrule`` and the ``localrule`` command.  A Ctrl-C or SIGTERM while numpy and the
engine are still loading (a second or more on a busy machine) is one line and exit 130 / 143, as
it is once a run is going."""
import signal
import sys


def _terminated(signum, frame):
    raise KeyboardInterrupt(signal.SIGTERM)


def run() -> int:
    try:
        signal.signal(signal.SIGTERM, _terminated)   # main() installs its own as soon as it runs
        from .cli import main
    except KeyboardInterrupt as e:
        term = bool(e.args) and e.args[0] == signal.SIGTERM
        print(f"localrule: {'terminated' if term else 'interrupted'}; nothing was written", file=sys.stderr)
        return 143 if term else 130
    return main()


if __name__ == "__main__":
    sys.exit(run())
