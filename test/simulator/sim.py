#!/usr/bin/env python3
"""The commerce API simulator: Glance, G-Commerce, Glocher and Extend behind
one loopback HTTP/1.1 server, for the regression tests and the demo.

    python3 test/simulator/sim.py --port 8765 [--host 127.0.0.1] [--log-file PATH] [--seed N]

Each API answers under its own prefix (http://127.0.0.1:8765/glance/...);
control endpoints live under /_sim/ (see simctl.py). ``--port 0`` picks a
free port. Prints "listening on PORT" once it accepts connections.
"""

import argparse
import ipaddress
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from core import Simulator, make_server  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description="commerce API simulator")
    parser.add_argument("--port", type=int, default=8765, help="TCP port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--log-file", help="append every API request as a JSON line to this file")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    args = parser.parse_args(argv)

    host = "127.0.0.1" if args.host == "localhost" else args.host
    try:
        if not ipaddress.ip_address(host).is_loopback:
            parser.error("the simulator binds loopback addresses only")
    except ValueError:
        parser.error("--host takes a loopback IP address")

    sim = Simulator(seed=args.seed, log_file=args.log_file)
    server = make_server(sim, host, args.port)
    # SIGTERM ends the process like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("listening on %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
