"""Pure LDAR kernels: numbers and rules from the standards, without Django."""
