"""The secure base model: state arrays and the mechanisms, one module each."""
