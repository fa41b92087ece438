r"""The cso_map plugin's tests: \`pytest plugins/cso_map\`."""
