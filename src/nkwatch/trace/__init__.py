"""Fund tracing: follow stolen value on-chain to the services where it can be frozen."""
