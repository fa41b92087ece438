"""The CSO map (cartographie des OSC): places, map, directory, import/export, moderation."""
