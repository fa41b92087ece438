r"""The webinars plugin's tests: \`pytest plugins/webinars\`."""
