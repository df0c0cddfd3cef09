"""``python -m bparchive``."""

from bparchive.cli import main

if __name__ == "__main__":
    main()
