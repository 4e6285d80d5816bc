"""State changes, one module per process; each public function is one transaction."""
