"""The service host's own routers: health, access (keys, users), audit log, jobs.

The capabilities' routers live in their own units and are declared by their manifests;
the app includes the routers of every capability (this host's among them) the same way.
"""
