"""Test support: throwaway PostgreSQL clusters, free ports, riffq servers in threads."""
