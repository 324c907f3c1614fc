"""Tools for tests, benchmarks and the simulator. Nothing here runs in production."""
