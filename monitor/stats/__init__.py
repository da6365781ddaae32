"""Statistics without the domain: frames, keys and model text in, tidy results out (as pingouin)."""
