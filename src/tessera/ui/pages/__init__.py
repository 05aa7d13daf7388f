"""One module per page (or group of pages); each has its own ``router``, included by tessera.ui.router."""
