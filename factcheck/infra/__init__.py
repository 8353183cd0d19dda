"""Infrastructure: migrations, backups, proxies and the security log."""
