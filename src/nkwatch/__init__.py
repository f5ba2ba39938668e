"""nkwatch: deny the DPRK its illicit revenue.

Capabilities live in one folder each (sanctions, intel, trace, exposure, hiring, service);
``store`` and ``cli`` are the shared adapters. The capability cores are pure functions over
in-memory values; only the adapters touch files, databases and the network.
"""

__version__ = "0.1.0"
