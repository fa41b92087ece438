"""Policy-monitoring indicators with gender disaggregation: frameworks, values, charts."""
