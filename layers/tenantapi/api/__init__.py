"""HTTP adapters: ASGI apps that parse requests, call the engine and shape Twenty's responses."""
