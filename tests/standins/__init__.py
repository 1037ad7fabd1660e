"""Loopback stand-ins of external services, spoken to through their official clients."""
