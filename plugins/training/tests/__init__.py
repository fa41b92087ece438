r"""The training plugin's tests: \`pytest plugins/training\`."""
