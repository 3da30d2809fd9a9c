"""The exercise catalogue: exercises, programs and drawings read from ``exercises/``,
served to the app in Danish or English, and the swaps people choose."""
