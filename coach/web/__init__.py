"""The phone app: the PWA's shell, its static files and the service worker."""
