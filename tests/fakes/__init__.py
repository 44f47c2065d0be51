"""Real loopback servers (HTTP, proxies, TLS) used as test doubles."""
