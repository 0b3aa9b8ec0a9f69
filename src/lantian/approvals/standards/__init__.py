"""Pure kernels of the approvals module (no Django): handling-status codes, project and works codes,
the time-limit clock and the data-quality rules of the national exchange standard."""
