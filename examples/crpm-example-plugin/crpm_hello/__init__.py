"""An example CRPM CMS plugin: members of the network leave a short greeting."""
