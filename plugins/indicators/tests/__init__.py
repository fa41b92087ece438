r"""The indicators plugin's tests: \`pytest plugins/indicators\`."""
