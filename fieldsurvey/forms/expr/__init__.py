"""The safe expression language of forms: grammar, tree, load-time checks, evaluation."""
