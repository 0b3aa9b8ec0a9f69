"""VOCs leak detection and repair (LDAR): the enterprise component archive and its detection work."""
