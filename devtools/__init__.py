"""Helpers shared by the benchmark (bench/) and the tests that run real servers (tests/)."""
