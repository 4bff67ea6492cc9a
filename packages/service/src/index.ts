// The service's public API: filled in as its parts land (server, callbacks, keys).
export {};
