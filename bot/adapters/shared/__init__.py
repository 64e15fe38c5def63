"""What the platform packages share and no platform owns: credential checks, replay caches, reply URLs,
untrusted JSON and HTTP plumbing. Nothing here imports a platform (an import contract says so)."""
